/**
 * Fitted coefficients of the resource model (src/synth/estimate/index.ts): per family, per core,
 * per metric, the coefficient of each feature (the features are defined in the per-op files).
 * Fitted to Yosys 0.23 (git sha1 7ce5011c24b) by src/synth/estimate/fit.ts on the samples of calibrate.ts.
 * GENERATED: do not edit. Regenerate with
 *     BNEXT_WRITE_COEFFICIENTS=1 npm run bench -- estimate-calibration
 *
 * Fit quality on the calibration samples (mean / max |estimate - synthesis| / synthesis):
 *   xilinx affine           LUTs  n=20  mean  20.3 %  max  63.0 %
 *   xilinx avgpool2         LUTs  n= 9  mean   1.9 %  max   4.8 %
 *   xilinx concat           LUTs  n= 9  mean   1.1 %  max   3.2 %
 *   xilinx eltwise_add      LUTs  n=15  mean   1.5 %  max   3.3 %
 *   xilinx eltwise_mul      LUTs  n=12  mean  13.5 %  max  21.6 %
 *   xilinx fc               LUTs  n=20  mean  14.2 %  max  50.0 %
 *   xilinx fifo_ext         LUTs  n= 5  mean   0.6 %  max   1.1 %
 *   xilinx gap              LUTs  n=20  mean   6.7 %  max  17.5 %
 *   xilinx gate             LUTs  n=20  mean  12.0 %  max  29.6 %
 *   xilinx maxpool          LUTs  n= 1  mean   0.0 %  max   0.0 %
 *   xilinx mix              LUTs  n=20  mean  10.6 %  max  64.5 %
 *   xilinx mvau_int         LUTs  n= 9  mean   8.6 %  max  24.4 %
 *   xilinx mvau_xnor        LUTs  n=25  mean   5.4 %  max  18.7 %
 *   xilinx sigmoid_lut      LUTs  n= 9  mean   0.1 %  max   0.3 %
 *   xilinx sliding_window   LUTs  n=16  mean   7.8 %  max  20.4 %
 *   xilinx stream_dwc       LUTs  n=17  mean  21.5 %  max  52.3 %
 *   xilinx stream_fifo      LUTs  n=20  mean   9.9 %  max  36.8 %
 *   xilinx stream_fork      LUTs  n=16  mean  10.7 %  max  23.1 %
 *   xilinx threshold        LUTs  n=13  mean  11.1 %  max  25.1 %
 *   ice40  affine           LUTs  n=12  mean  16.2 %  max  39.1 %
 *   ice40  avgpool2         LUTs  n= 8  mean   3.3 %  max   5.4 %
 *   ice40  concat           LUTs  n= 7  mean   0.9 %  max   3.2 %
 *   ice40  eltwise_add      LUTs  n=11  mean   4.1 %  max  19.4 %
 *   ice40  eltwise_mul      LUTs  n= 8  mean   0.1 %  max   0.3 %
 *   ice40  fc               LUTs  n=12  mean   5.6 %  max  11.6 %
 *   ice40  fifo_ext         LUTs  n= 3  mean   0.0 %  max   0.0 %
 *   ice40  gap              LUTs  n=12  mean   6.8 %  max  18.7 %
 *   ice40  gate             LUTs  n=12  mean   2.2 %  max  12.1 %
 *   ice40  maxpool          LUTs  n= 1  mean   0.0 %  max   0.0 %
 *   ice40  mix              LUTs  n=12  mean   2.3 %  max   6.6 %
 *   ice40  mvau_int         LUTs  n= 8  mean   1.3 %  max   3.6 %
 *   ice40  mvau_xnor        LUTs  n=25  mean   4.5 %  max  12.9 %
 *   ice40  sigmoid_lut      LUTs  n= 8  mean  33.3 %  max  96.0 %
 *   ice40  sliding_window   LUTs  n=12  mean   8.8 %  max  17.5 %
 *   ice40  stream_dwc       LUTs  n=11  mean  15.8 %  max  42.8 %
 *   ice40  stream_fifo      LUTs  n=12  mean  19.2 %  max  46.6 %
 *   ice40  stream_fork      LUTs  n=11  mean   0.0 %  max   0.0 %
 *   ice40  threshold        LUTs  n=11  mean  15.0 %  max  28.0 %
 */
import type { CoreCoefficients, EstimateTarget } from './types.js';

/** Coefficients per family and core. */
export const COEFFICIENTS: Readonly<Record<EstimateTarget, Readonly<Record<string, CoreCoefficients>>>> = {
  ice40: {
    affine: { carry: { dspMul: 13.442, laneBits: 1.3819 }, ffs: { laneBits: 2.4954, one: 39.52 }, luts: { dspMul: 152.47, laneBits: 15.701 } },
    avgpool2: { carry: { ctl: 2.0021, laneBits: 2.1545 }, ffs: { laneBits: 12.799, one: 63.522 }, luts: { laneBits: 6.7481, one: 100.35 } },
    concat: { carry: { ctl: 0.45404 }, ffs: { ctl: 1, laneBits: 1.4118, one: 6 }, luts: { ctl: 1.4707, laneBits: 0.95006, one: 15.72 } },
    eltwise_add: { carry: { laneBits: 0.80052 }, ffs: { laneBits: 1.8723, one: 8.0927 }, luts: { laneBits: 1.9333, one: 8.1731 } },
    eltwise_mul: { carry: { dspMul: 15.38, mulBits: 0.097841 }, ffs: { dspMul: 30, laneBits: 1, one: 8 }, luts: { dspMul: 98.615, mulBits: 2.4758, one: 15.531 } },
    fc: { carry: { ctl: 3.6236, dspMul: 20.764, romLogicBits: 0.0090505 }, ffs: { accBits: 3.2363, bramMuxBits: 0.010998, ctl: 5.4759 }, luts: { bramMuxBits: 0.40727, ctl: 11.103, dspMul: 197.67, one: 62.586 } },
    fifo_ext: { carry: { addrBits: 2.5832 }, ffs: { addrBits: 2.5469, dataBits: 1.9688 }, luts: { addrBits: 5.1719, dataBits: 0.96875 } },
    gap: { carry: { ctl: 1.2343, dspMul: 5.2193, mulBits: 0.056185, outBits: 0.86021 }, ffs: { mulBits: 0.15801, one: 28.522, outBits: 4.2556 }, luts: { mulBits: 0.19391, one: 50.308, outBits: 4.082 } },
    gate: { carry: { ctl: 2.0796, dspMul: 15.569, laneBits: 1.1948 }, ffs: { laneBits: 5.2197 }, luts: { dspMul: 449.19, laneBits: 13.537 } },
    maxpool: { carry: { ctl: 8.4375 }, ffs: { ctl: 17.75 }, luts: { ctl: 21.563 } },
    mix: { carry: { ctl: 1.0228, dspMul: 55.295, romLogicBits: 0.0004108 }, ffs: { dspMul: 52.143, one: 13.096 }, luts: { dspMul: 674.87, one: 114.2, romLogicBits: 0.013487 } },
    mvau_int: { carry: { accBits: 1.3783, ctl: 1.2692, dspMul: 0.4259 }, ffs: { accBits: 3.1033, dotMulBits: 0.03155, one: 57.526 }, luts: { ctl: 5.5209, dotMulBits: 1.5662, mulBits: 1.4057 } },
    mvau_xnor: { carry: { accBits: 0.83483, bramMuxBits: 0.014908, ctl: 1.0866, leaves: 0.83483, treeBits: 0.76358 }, ffs: { accBits: 3.5409, ctl: 2.3215, memLogicBits: 1.0582, one: 13.995, replayBits: 1.1544 }, luts: { bramMuxBits: 0.86312, ctl: 5.7924, leaves: 10.76, memLogicBits: 1.2065, replayBits: 0.83639 } },
    sigmoid_lut: { ffs: { laneBits: 1.3835 }, luts: { laneBits: 0.95032 } },
    sliding_window: { carry: { addrBits: 4.6078 }, ffs: { addrBits: 2.8212, beatBits: 4.1604, one: 15.898 }, luts: { addrBits: 12.347, beatBits: 2.8299 } },
    stream_dwc: { carry: { one: 0.98705, selectBits: 0.010813 }, ffs: { gatherBits: 0.87789, gatherShift: 0.05835, one: 6.2666, outBits: 2.0776, selectBits: 1.0097 }, luts: { outBits: 2.5345, selectShift: 0.60297 } },
    stream_fifo: { carry: { ptrBits: 3.2166 }, ffs: { dataBits: 1.5993, one: 46.634 }, luts: { bramMuxBits: 1.4988, one: 86.847 } },
    stream_fork: { ffs: { outputs: 1 }, luts: { one: 4.5, outputPairs: 0.25, outputs: 1.75 } },
    threshold: { carry: { cmpBits: 0.895, ctl: 1.0096, romLogicBits: 0.00045233 }, ffs: { cmpBits: 0.93003, one: 22.384, romLogicBits: 0.0032009 }, luts: { one: 52.096, romLogicBits: 0.015186 } },
  },
  xilinx: {
    affine: { carry: { dspMul: 1.9602, mulBits: 0.01449, one: 1.2997 }, dsp: { dspMul: 1 }, ffs: { dspMul: 28.938, laneBits: 1.2963 }, luts: { dspMul: 27.851, laneBits: 1.3534 } },
    avgpool2: { carry: { ctl: 0.5978, laneBits: 0.6255 }, ffs: { laneBits: 9.4207, lutramBits: 0.010526, one: 45.409 }, luts: { ctl: 7.6562, laneBits: 6.0596 } },
    concat: { carry: { ctl: 0.24615 }, ffs: { ctl: 1, laneBits: 1.4118, one: 6 }, luts: { ctl: 2.4045, laneBits: 0.93287, one: 11.381 } },
    eltwise_add: { carry: { laneBits: 0.2536 }, ffs: { laneBits: 1.8656, one: 8.4419 }, luts: { laneBits: 1.3526, one: 12.202 } },
    eltwise_mul: { carry: { dspMul: 6 }, dsp: { dspMul: 1 }, ffs: { dspMul: 48, one: 8 }, luts: { dspMul: 42.613, one: 9.1519 } },
    fc: { carry: { ctl: 0.82064, dspMul: 1.9511 }, dsp: { dspMul: 1 }, ffs: { accBits: 2.6978, lutramBits: 0.017047, memLogicBits: 2.1593, romLogicBits: 0.0056186 }, luts: { bramMuxBits: 3.452, dspMul: 20.622, lutramBits: 0.045034, one: 60.962, romLogicBits: 0.024404 } },
    fifo_ext: { carry: { addrBits: 0.69135 }, ffs: { addrBits: 2, dataBits: 0.96875, one: 22 }, luts: { addrBits: 5.5383 } },
    gap: { carry: { ctl: 0.45604, mulBits: 0.025936, outBits: 0.12208 }, ffs: { ctl: 2.9078, mulBits: 0.17377, outBits: 2.8114 }, luts: { dspMul: 30.626, mulBits: 0.17141, one: 91.072 } },
    gate: { carry: { ctl: 0.67926, laneBits: 0.27738 }, dsp: { dspMul: 1 }, ffs: { laneBits: 3.5841, lutramBits: 0.0065397 }, luts: { laneBits: 4.2212 } },
    maxpool: { carry: { ctl: 1.6875 }, ffs: { ctl: 14.188 }, luts: { ctl: 18.188 } },
    mix: { carry: { ctl: 0.16084, dspMul: 4.3086, romLogicBits: 0.00013116 }, dsp: { dspMul: 1 }, ffs: { ctl: 1.0697, dspMul: 19.682, one: 6.224 }, luts: { ctl: 5.663, dspMul: 24.647, romLogicBits: 0.010714 } },
    mvau_int: { carry: { accBits: 0.30077, one: 3.8099, replayBits: 0.16529 }, dsp: { dspMul: 1 }, ffs: { accBits: 2.6912, dspMul: 1.2744, one: 43.65, replayBits: 1.1849 }, luts: { ctl: 10.374, memLogicBits: 18.49, mulBits: 0.41487 } },
    mvau_xnor: { carry: { accBits: 0.1334, ctl: 0.53498, leaves: 1.2042 }, ffs: { accBits: 3.3222, ctl: 2.5238, leaves: 0.12282, one: 15.46, replayBits: 1.0531 }, luts: { accBits: 0.6682, bramMuxBits: 0.96411, leaves: 4.1884, lutramBits: 0.087935, one: 60.977 } },
    sigmoid_lut: { ffs: { laneBits: 1.1304, one: 6, romLogicBits: 0.00090144 }, luts: { laneBits: 0.60875, one: 8.9982, romLogicBits: 0.012846 } },
    sliding_window: { carry: { addrBits: 1.0394 }, ffs: { addrBits: 1.8677, beatBits: 2.1099, one: 29.793 }, luts: { addrBits: 9.1092, beatBits: 2.0642 } },
    stream_dwc: { carry: { gatherShift: 0.07814, one: 1.262, selectShift: 0.00047744 }, ffs: { gatherBits: 0.98434, gatherShift: 0.026695, one: 7.065, outBits: 1.9878, selectBits: 1.0124 }, luts: { gatherBits: 7.4472, one: 19.572, selectShift: 0.30845 } },
    stream_fifo: { carry: { one: 1.0586, ptrBits: 1.0104 }, ffs: { dataBits: 0.13177, lutramBits: 0.013153, one: 14.67, ptrBits: 1.1797 }, luts: { ptrBits: 8.6052 } },
    stream_fork: { ffs: { outputs: 1 }, luts: { outputPairs: 0.80131, outputs: 1.0601 } },
    threshold: { carry: { cmpBits: 0.11337, ctl: 0.28832, romLogicBits: 0.00004311 }, ffs: { cmpBits: 0.99829, one: 20.958, romLogicBits: 0.0030297 }, luts: { cmpBits: 0.50256, one: 35.171, romLogicBits: 0.0041748 } },
  },
};
