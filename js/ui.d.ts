// Types of jmap-smime/ui (ui.js): the <smime-badge>, <smime-details> and
// <smime-alert> custom elements.
import type { DisplayVerdict, Level, PageItem } from './jmap_smime.js';
import type { Catalog } from './i18n.js';

/** The display levels, in the order of a legend. */
export declare const LEVELS: readonly Level[];
/** A short English name per level, for a badge without a label. */
export declare const LEVEL_NAMES: Readonly<Record<Level, string>>;
/** Default colours per level: [text, background], each pair at least 4.5:1. */
export declare const COLOURS: Readonly<Record<Level, readonly [string, string]>>;
/** The icon of `level`: an <svg> hidden from assistive technology. */
export declare function icon(level: Level, doc?: Document): SVGSVGElement;

/** <smime-badge level label size="large"? locale?>: role="img", aria-label "Signature: <label>" in the badge's language. */
export declare class SmimeBadge extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The display level (an unknown one shows as pending). */
  level: Level;
  /** The label (default: the level's name in the badge's language). */
  label: string;
}

/** What <smime-details> and <smime-alert> show: a PageItem or its DisplayVerdict. */
export type VerdictInput = PageItem | DisplayVerdict;

declare class VerdictElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The verdict shown; set it to re-render (null: nothing). */
  verdict: VerdictInput | null;
  /** Texts over the locale's catalog. */
  catalog: Partial<Catalog> | undefined;
  /** The DisplayVerdict of `verdict`. */
  readonly display: DisplayVerdict | null;
  /** Render again (after a change of the default locale, for example). */
  refresh(): void;
}

/** <smime-details locale?>: role="region" "Signature details": badge, label, reasons, hint, the signer's certificate (PageItem), the header comparison, technical details. */
export declare class SmimeDetails extends VerdictElement {}

/** <smime-alert locale? about?>: role="alert", the verdict's security alert or nothing; place it outside the message content. */
export declare class SmimeAlert extends VerdictElement {}

declare global {
  interface HTMLElementTagNameMap {
    'smime-badge': SmimeBadge;
    'smime-details': SmimeDetails;
    'smime-alert': SmimeAlert;
  }
}
