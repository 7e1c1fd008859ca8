// Types of jmap-smime/ui (ui.js): the <smime-badge> custom element.
import type { Level } from './jmap_smime.js';

/** The display levels, in the order of a legend. */
export declare const LEVELS: readonly Level[];
/** A short English name per level, for a badge without a label. */
export declare const LEVEL_NAMES: Readonly<Record<Level, string>>;
/** The icon of `level`: an <svg> hidden from assistive technology. */
export declare function icon(level: Level, doc?: Document): SVGSVGElement;

/** <smime-badge level label size="large"?>: role="img", aria-label "Signature: <label>". */
export declare class SmimeBadge extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The display level (an unknown one shows as pending). */
  level: Level;
  /** The label (default: the level's name). */
  label: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'smime-badge': SmimeBadge;
  }
}
