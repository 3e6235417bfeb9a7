/**
 * Saves a file to the phone's downloads through a temporary link: the fallback wherever the Web Share API cannot
 * take files. Nothing is sent anywhere.
 */
export function downloadFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download starts from the link; the URL only has to outlive that.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** How a file was handed over. */
export type Delivery = 'shared' | 'downloaded' | 'cancelled';

/**
 * Hands a file to the phone's share sheet (Web Share API with files), where the person chooses whom to send it
 * to; where the browser cannot share files, saves it to the downloads instead. Nothing leaves the phone unless the
 * person sends it from the share sheet.
 * @returns `cancelled` when the person closed the share sheet; `downloaded` also when sharing failed otherwise
 *   (e.g. the browser refused the file type), so the person still gets the file.
 */
export async function shareOrDownload(file: File, title: string): Promise<Delivery> {
  const data = { files: [file], title };
  if (typeof navigator.share !== 'function' || !navigator.canShare?.(data)) {
    downloadFile(file, file.name);
    return 'downloaded';
  }
  try {
    await navigator.share(data);
    return 'shared';
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled';
    downloadFile(file, file.name);
    return 'downloaded';
  }
}
