import { useObjectUrl } from '../state/object-url.ts';

/** A stored photo (or its thumbnail) shown small and square. */
export function PhotoThumb(props: { blob: Blob | undefined; alt: string; large?: boolean }) {
  const url = useObjectUrl(props.blob);
  return <img class={props.large ? 'thumb large' : 'thumb'} src={url} alt={props.alt} />;
}
