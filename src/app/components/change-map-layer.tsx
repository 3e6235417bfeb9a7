import { useMemo } from 'preact/hooks';
import type { ChangeMap } from '../../core/scoring/index.ts';
import { changeMapPixels, colouredCells } from './change-scale.ts';
import { PixelCanvas } from './pixel-canvas.tsx';

/**
 * The change map laid over a photo on the reference's frame: one block per cell (the grid divides the frame
 * evenly), coloured by the cell's change, clear where nothing changed or the photos do not overlap.
 */
export function ChangeMapLayer(props: { map: ChangeMap }) {
  const { map } = props;
  const pixels = useMemo(() => changeMapPixels(map), [map]);
  return (
    <div
      class="layer"
      data-testid="change-map"
      data-coloured={colouredCells(map.cells)}
      data-rows={map.rows}
      data-cols={map.cols}
      data-cells={map.cells.join(',')}
    >
      <PixelCanvas width={map.cols} height={map.rows} rgba={pixels} pixelated />
    </div>
  );
}
