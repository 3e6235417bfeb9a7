/**
 * Which real photos (../shared/data/photos) the quality benchmark uses for what. The change engine's constants were
 * set on `TUNING_PHOTOS` only; `SCORING_PHOTOS` give the figures the benchmark prints and the CI floor test checks,
 * so a figure never comes from a photo a constant was fitted to.
 */
export const TUNING_PHOTOS: readonly string[] = [
  'kphotoalbum__jesper.jpg',
  'kphotoalbum__anne_helene.jpg',
  'npm-exif-parser__starfish.jpg',
  'opencv-doc__fruits.jpg',
  'python3-skimage__coffee.png',
  'opencv-doc__leuvenA.jpg',
];

/** Every other photo of the set but the 150×103 video frame (below the 320-px `too_small` line). */
export const SCORING_PHOTOS: readonly string[] = [
  'kphotoalbum__jesper_2.jpg',
  'python3-skimage__astronaut.png',
  'kphotoalbum__bar55.jpg',
  'opencv-doc__messi5.jpg',
  'python3-skimage__chelsea.png',
  'python3-sklearn__china.jpg',
  'kphotoalbum__new_wave_2.jpg',
  'npm-vladmandic-face-api__sample1.jpg',
  'kphotoalbum__cold_water.jpg',
  'opencv-doc__baboon.jpg',
  'python3-skimage__rocket.jpg',
  'digikam-data__body-background.jpg',
  'python-matplotlib-data__grace_hopper.jpg',
  'kphotoalbum__qt-logo.jpg',
  'npm-vladmandic-face-api__sample6.jpg',
  'kphotoalbum__wayne.jpg',
  'golang-golang-x-image-dev__yellow_rose.lossy.webp',
  'lomiri-wallpapers-16.04__Wine_by_Jakkub_Mede.jpg',
];
