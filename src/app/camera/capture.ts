/** JPEG quality of a photo made from a video frame: near a phone camera's own, so quality figures are not lowered by compression. */
const JPEG_QUALITY = 0.92;

/** The still-photo API of the Image Capture spec, where the browser has it (Chromium; not Safari or Firefox). */
interface StillCapture {
  getPhotoCapabilities(): Promise<{ imageWidth?: { max?: number } }>;
  takePhoto(settings?: { imageWidth?: number }): Promise<Blob>;
}

function stillCapture(track: MediaStreamTrack): StillCapture | undefined {
  const ImageCaptureClass = (globalThis as { ImageCapture?: new (t: MediaStreamTrack) => StillCapture })
    .ImageCapture;
  return ImageCaptureClass ? new ImageCaptureClass(track) : undefined;
}

/** The photo at the camera's full resolution, or undefined when the browser or camera cannot take one. */
async function fullResolutionPhoto(track: MediaStreamTrack): Promise<Blob | undefined> {
  const capture = stillCapture(track);
  if (!capture) return undefined;
  try {
    const widest = (await capture.getPhotoCapabilities()).imageWidth?.max;
    const blob = await capture.takePhoto(widest ? { imageWidth: widest } : undefined);
    return blob.type.startsWith('image/') && blob.size > 0 ? blob : undefined;
  } catch {
    // Some cameras refuse still photos while streaming (or refuse the width asked): the video frame will do.
    return undefined;
  }
}

async function videoFrame(video: HTMLVideoElement): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY),
  );
  if (!blob) throw new Error('The photo could not be taken.');
  return blob;
}

/** How a captured photo was made (kept on the sheet for tests and troubleshooting). */
export type CaptureSource = 'still' | 'video_frame';

/**
 * Takes a photo from the live camera: a still at the camera's full resolution (`ImageCapture.takePhoto`, widest
 * `imageWidth` it offers) where the browser allows it, else the current video frame as a JPEG.
 * @param track the stream's video track; `video` shows it (its frame is the fallback).
 * @returns the photo as a File named `<angle>-<ISO time>.<ext>`, and how it was made.
 * @throws Error ('The photo could not be taken.') when neither way gives a picture.
 */
export async function capturePhoto(
  video: HTMLVideoElement,
  track: MediaStreamTrack | undefined,
  angle: string,
): Promise<{ file: File; source: CaptureSource }> {
  const still = track ? await fullResolutionPhoto(track) : undefined;
  const blob = still ?? (await videoFrame(video));
  const type = blob.type || 'image/jpeg';
  const ext = type === 'image/png' ? 'png' : type === 'image/webp' ? 'webp' : 'jpg';
  const name = `${angle}-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
  return { file: new File([blob], name, { type }), source: still ? 'still' : 'video_frame' };
}
