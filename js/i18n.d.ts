// Types of jmap-smime/i18n (i18n.js): a DisplayVerdict in the reader's language.
import type { DisplayVerdict, ErrorCode, Level, Note } from './jmap_smime.js';

/** `[one, other]` forms of a unit; "{n}" is the number. */
export type UnitForms = readonly [string, string];

/** A catalog: templates keyed by the stable codes of a DisplayVerdict's notes, and the UI kit's texts. */
export interface Catalog {
  /** The BCP 47 tag, also set as the elements' `lang`. */
  locale: string;
  labels: Record<string, string>;
  reasons: Record<string, string>;
  alerts: Record<string, string>;
  hints: Record<string, string>;
  /** Advice per error code (`{error|advice}`). */
  advice: Partial<Record<ErrorCode, string>> & Record<string, string>;
  units: Record<'second' | 'minute' | 'hour' | 'day', UnitForms>;
  /** Opening and closing quotation marks (`{x|q}`). */
  quotes: readonly [string, string];
  words: { nothing: string };
  /** A short name per display level. */
  levels: Record<Level, string>;
  /** Texts of <smime-badge>, <smime-details>, <smime-alert>. */
  ui: Record<string, string>;
}

/** A catalog to register or pass as an option: any subset of the sections and keys. */
export type PartialCatalog = { [S in keyof Catalog]?: Catalog[S] extends Record<string, unknown> ? Partial<Catalog[S]> : Catalog[S] };

export interface LocaleOptions {
  /** A BCP 47 tag; default: setDefaultLocale(), else navigator.language, else "en". */
  locale?: string;
  /** Texts over the locale's catalog. */
  catalog?: PartialCatalog;
}

/** A DisplayVerdict's texts in one language. */
export interface LocalizedVerdict {
  locale: string;
  level: Level;
  levelName: string;
  label: string;
  reasons: string[];
  alert: string | null;
  hint: string | null;
}

export type Section = 'labels' | 'reasons' | 'alerts' | 'hints';

export declare const en: Catalog;
export declare const de: Catalog;
export declare function registerCatalog(locale: string, catalog: PartialCatalog): Catalog;
export declare function setDefaultLocale(locale: string | undefined): void;
export declare function resolveLocale(locale?: string): string;
export declare function catalogFor(locale?: string): Catalog;
export declare function ageParts(secs: number): [number, 'second' | 'minute' | 'hour' | 'day'];
export declare function fill(template: string, params?: Record<string, string>, catalog?: PartialCatalog): string;
export declare function format(section: Section, note: Note, opts?: LocaleOptions, fallback?: string): string;
export declare function text(section: 'ui' | 'levels', key: string, params?: Record<string, string>, opts?: LocaleOptions): string;
export declare function localize(display: DisplayVerdict, opts?: LocaleOptions): LocalizedVerdict;
