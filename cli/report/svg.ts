// cli/report/svg.ts: the few pieces every diagram of the HTML report is drawn with. Diagrams are SVG
// strings made when the report is written, so a page needs no script and no network to show them.
// Text is set in a monospace font: its width is then known from the character count, which is what
// the layouts below size their boxes and lanes by (no browser measures anything at write time).

/** HTML and SVG text and attribute escaping: everything shown comes from report data. */
export const esc = (s: string | number) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";
export const FONT_SIZE = 12;
/** the advance of one character of FONT at FONT_SIZE (DejaVu Sans Mono: 0.602 em), rounded up */
const CHAR = 7.3;

/** A white outline under a label, so a line it sits on does not strike it through. */
export const HALO = { stroke: '#ffffff', 'stroke-width': 4, 'paint-order': 'stroke', 'stroke-linejoin': 'round' } as const;

export const textWidth = (s: string, size = FONT_SIZE) => Math.ceil(s.length * CHAR * (size / FONT_SIZE));

/** Coordinates with at most one decimal, so the bytes do not depend on floating-point noise. */
export const n = (x: number) => String(Math.round(x * 10) / 10);

export function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  return `<text x="${n(x)}" y="${n(y)}"${a}>${esc(s)}</text>`;
}

/** Arrow heads, referenced as url(#arrow-KIND); ids are prefixed per diagram, several sit on one page. */
export function arrowDefs(prefix: string, kinds: Record<string, string>): string {
  return `<defs>${Object.entries(kinds).map(([k, colour]) => `<marker id="${prefix}-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${colour}"/></marker>`).join('')}</defs>`;
}

/** An <svg> element sized to its content, with a title for screen readers and the page's tests. */
export function svg(width: number, height: number, cls: string, title: string, body: string, attrs: Record<string, string> = {}): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${esc(FONT)}" font-size="${FONT_SIZE}" role="img"${a}><title>${esc(title)}</title>${body}</svg>`;
}
