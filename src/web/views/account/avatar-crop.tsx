/**
 * Cropping a chosen picture to a square: a live preview (drawn on a canvas, shown in the
 * circle the avatar will have), a zoom slider, and moving the picture by dragging it or
 * with the arrow keys. "Use this picture" encodes it (avatar-encode.ts) and hands back
 * the data URL.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../strings.ts';
import { Dialog, ErrorMessage, useAction } from '../../ui/index.ts';
import { cropOf, encodeAvatar } from './avatar-encode.ts';

const PREVIEW = 240;

/** The crop dialog for `image`; `onDone` gets the avatar's data URL. */
export function AvatarCrop({ image, onDone, onClose }: { image: ImageBitmap; onDone: (dataUrl: string) => Promise<void>; onClose: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [zoom, setZoom] = useState(1);
  const [centre, setCentre] = useState({ x: image.width / 2, y: image.height / 2 });
  const { busy, error, run, setError } = useAction();
  const drag = useRef<{ x: number; y: number } | null>(null);
  const crop = cropOf(image.width, image.height, zoom, centre.x, centre.y);
  useEffect(() => () => image.close(), [image]); // a decoded photo holds megabytes

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, PREVIEW, PREVIEW);
    ctx.drawImage(image, crop.x, crop.y, crop.side, crop.side, 0, 0, PREVIEW, PREVIEW);
  });

  // Moves the picture by (dx, dy) preview pixels: the square goes the other way. The centre
  // is kept where the crop really is, so a move at an edge does not build up unseen.
  function move(dx: number, dy: number) {
    const k = crop.side / PREVIEW;
    setCentre({ x: crop.x + crop.side / 2 - dx * k, y: crop.y + crop.side / 2 - dy * k });
  }

  function onKey(e: KeyboardEvent) {
    const step = e.shiftKey ? 48 : 12;
    const d = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
    if (!d) return;
    e.preventDefault();
    move(d[0]!, d[1]!);
  }

  function use() {
    const url = encodeAvatar(image, crop);
    if (!url) return setError(t.account.pictureTooBig);
    void run(() => onDone(url));
  }

  return (
    <Dialog title={t.account.cropTitle} onClose={onClose}>
      <div class="stack crop-body">
        <p class="hint" id="crop-help">
          {t.account.cropHelp}
        </p>
        <canvas
          ref={canvas}
          class="crop-preview"
          width={PREVIEW}
          height={PREVIEW}
          role="img"
          aria-label={t.account.preview}
          aria-describedby="crop-help"
          tabIndex={0}
          onKeyDown={onKey}
          onPointerDown={(e) => {
            drag.current = { x: e.clientX, y: e.clientY };
            e.currentTarget.setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => {
            if (!drag.current) return;
            move(e.clientX - drag.current.x, e.clientY - drag.current.y);
            drag.current = { x: e.clientX, y: e.clientY };
          }}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
        />
        <div class="field">
          <label for="crop-zoom">{t.account.zoom}</label>
          <input id="crop-zoom" type="range" min={1} max={4} step={0.05} value={zoom} onInput={(e) => setZoom(Number(e.currentTarget.value))} />
        </div>
        <ErrorMessage error={error} />
        <div class="row">
          <button type="button" class="btn primary" disabled={busy} onClick={use}>
            {t.account.usePicture}
          </button>
          <button type="button" class="btn" onClick={onClose}>
            {t.app.cancel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
