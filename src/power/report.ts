/**
 * The power report's JSON shape (`<design>/power/report.json`, read by the HTML design report).
 * Powers in milliwatts, energies in picojoules per inference, toggle rates in toggles per bit per
 * clock cycle. (The terminal rendering lives with the command, src/cli/commands/power.ts.)
 */
/** Technology of the energy model (see ./energy-models.ts). */
export type PowerTech = 'osu018' | 'fpga' | '45nm';

/** Power or energy by where it is spent. */
export interface EnergySplit {
  /** XNOR-popcount arrays (binary MVAUs). */
  readonly binary: number;
  /** Multi-bit datapaths: affine, gates, adds, pools, FC, the integer stem MVAU, plumbing. */
  readonly real: number;
  /** FIFOs, line buffers, block RAMs and memory read ports (and weight reads in the 45 nm model). */
  readonly memory: number;
}

/** Power of one scope under one activity assumption. */
export interface PowerFigures {
  /** Average dynamic power over the run (mW). */
  readonly dynamicMw: number;
  /** Static (leakage) power (mW); 0 where the model has none. */
  readonly staticMw: number;
  /** dynamicMw + staticMw. */
  readonly totalMw: number;
  /** (dynamic + static) x time per inference (pJ). */
  readonly energyPj: number;
  /** totalMw by where it is spent (mW). */
  readonly split: EnergySplit;
}

/** Toggle rates of a scope's wires by signal class (null: no wires of that class). */
export interface ToggleRates {
  readonly datapath: number | null;
  readonly control: number | null;
  readonly memory: number | null;
}

/** One DSL layer: activity-based figures at the top level, the vectorless ones beside. */
export interface LayerPower extends PowerFigures {
  /** Layer name (as in the manifest). */
  readonly name: string;
  /** Core instances (IR nodes) in the layer. */
  readonly instances: number;
  /** With the default toggle rate on every wire. */
  readonly vectorless: PowerFigures;
  /** Measured toggle rates. */
  readonly toggleRate: ToggleRates;
}

/** One core instance (an IR node). */
export interface InstancePower {
  readonly node: string;
  readonly layer: string;
  readonly kind: string;
  /** Core module (absent for the 45 nm model, which does not read the RTL). */
  readonly module?: string;
  /** Where its energy goes in the split. */
  readonly category: keyof EnergySplit;
  /** Energy per inference, activity-based and vectorless (pJ). */
  readonly energyPj: number;
  readonly vectorlessEnergyPj: number;
  /** Measured toggle rates of its wires. */
  readonly toggleRate: ToggleRates;
}

/** A core type's gate-level characterization, as used (osu018). */
export interface CharacterizationSummary {
  readonly module: string;
  /** Instance whose parameters were synthesized. */
  readonly instance: string;
  readonly cells: number;
  readonly flops: number;
  /** Data-dependent energy per port toggle (pJ). */
  readonly energyPerTogglePj: number;
  /** Clock energy per cycle (pJ). */
  readonly clockPjPerCycle: number;
  /** Leakage (uW). */
  readonly leakageUw: number;
  /** Read from the cache. */
  readonly cached: boolean;
}

/**
 * `<design>/power/report.json`. The activity-based whole-design figures are at the top level
 * (`total`, `energyPerInferencePj`, `split`), the vectorless ones in `vectorless`.
 */
export interface PowerReport {
  /** Format tag; changes when the shape changes. */
  readonly schema: 'bnext-rtl.power/1';
  /** Design folder as given, top module, network name. */
  readonly design: string;
  readonly top: string;
  readonly network: string;
  readonly tech: PowerTech;
  /** The model: name, supply, sources (see ./energy-models.ts) and caveats. */
  readonly model: { readonly name: string; readonly voltage?: number; readonly sources: readonly string[]; readonly notes: readonly string[] };
  readonly clockMhz: number;
  /** Where the images came from. */
  readonly input: { readonly source: 'file' | 'random'; readonly file?: string; readonly seed?: number; readonly images: number };
  /** The simulation behind the activity. */
  readonly simulation: { readonly cycles: number; readonly cyclesPerFrame: number; readonly framesPerSecond: number; readonly pass: boolean };
  /** Whole design, from the measured activity. */
  readonly total: PowerFigures;
  /** = total.energyPj. */
  readonly energyPerInferencePj: number;
  /** = total.split (mW). */
  readonly split: EnergySplit;
  /** Whole design at the vectorless toggle rate. */
  readonly vectorless: PowerFigures;
  /** Toggle rate of the vectorless estimate (toggles per bit per cycle). */
  readonly vectorlessToggleRate: number;
  /** Measured toggle rates of the whole design. */
  readonly toggleRate: ToggleRates;
  /** The analytic 45 nm figure for the same design (always present, activity-independent), pJ per inference. */
  readonly crossCheck45nm: { readonly energyPj: number; readonly split: EnergySplit };
  readonly layers: readonly LayerPower[];
  readonly instances: readonly InstancePower[];
  /** osu018 only: the characterization of each core type. */
  readonly characterizations: readonly CharacterizationSummary[];
}
