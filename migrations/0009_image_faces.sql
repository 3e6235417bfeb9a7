-- What the device did about faces in each uploaded photo (issue 11), from the upload's x-faces header:
-- 'none' (its detector found no face), 'blurred' (faces found and blurred in the stored bytes), 'unblurred' (faces
-- found and kept, under the participant's 'faces' consent). NULL: not recorded (apps from before face detection,
-- and image rows a session announced before its bytes arrived). The export reports it per image.
ALTER TABLE images ADD COLUMN faces text CHECK (faces IN ('none', 'blurred', 'unblurred'));
