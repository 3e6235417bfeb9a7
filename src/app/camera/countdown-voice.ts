/** Whether this browser can speak (the Web Speech API's synthesis half; absent in some webviews). */
function canSpeak(): boolean {
  return typeof speechSynthesis !== 'undefined' && typeof SpeechSynthesisUtterance !== 'undefined';
}

/**
 * Says one number of the self-timer's countdown aloud, so a person who stepped back from the phone knows when the
 * photo is taken. Does nothing where the browser cannot speak; an earlier number still being spoken is cut short
 * so the voice keeps pace with the seconds.
 */
export function speakCountdown(seconds: number): void {
  if (!canSpeak()) return;
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(String(seconds));
  // A little quicker than speech, so each number is said well within its second.
  utterance.rate = 1.2;
  speechSynthesis.speak(utterance);
}

/** Stops any countdown being spoken (the timer was cancelled or the camera closed). */
export function stopSpeaking(): void {
  if (canSpeak()) speechSynthesis.cancel();
}
