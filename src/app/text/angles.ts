/** How each default angle is named to the person, and how to stand for it. */
const ANGLE_TEXT: Readonly<Record<string, { name: string; guide: string }>> = {
  front: { name: 'Front', guide: 'Face the camera, arms relaxed at your sides.' },
  front_arms_raised: {
    name: 'Front with arms raised',
    guide: 'Face the camera with both arms raised above your head.',
  },
  left_oblique: {
    name: 'Left half-turned',
    guide: 'Turn halfway to your right so your left side leans toward the camera.',
  },
  left_side: { name: 'Left side', guide: 'Turn fully to your right so your left side faces the camera.' },
  right_oblique: {
    name: 'Right half-turned',
    guide: 'Turn halfway to your left so your right side leans toward the camera.',
  },
  right_side: { name: 'Right side', guide: 'Turn fully to your left so your right side faces the camera.' },
};

/** The person-facing name of an angle; unknown (configured) angles are shown from their id. */
export function angleName(angle: string): string {
  const known = ANGLE_TEXT[angle]?.name;
  if (known) return known;
  const words = angle.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** How to stand for an angle, shown with the camera's framing guide. */
export function angleGuide(angle: string): string {
  return ANGLE_TEXT[angle]?.guide ?? 'Stand so the whole area fits inside the outline.';
}
