/**
 * Fitted coefficients of the resource model (src/synth/estimate/index.ts): per family, per core,
 * per metric, the coefficient of each feature (the features are defined in the per-op files).
 * Fitted to Yosys 0.23 (git sha1 7ce5011c24b) by src/synth/estimate/fit.ts on the samples of calibrate.ts.
 * GENERATED: do not edit. Regenerate with
 *     BNEXT_WRITE_COEFFICIENTS=1 npm run bench -- estimate-calibration
 *
 * Fit quality on the calibration samples (mean / max |estimate - synthesis| / synthesis):
 *   xilinx affine           LUTs  n=20  mean  20.4 %  max  64.2 %
 *   xilinx avgpool2         LUTs  n= 9  mean   1.9 %  max   4.8 %
 *   xilinx concat           LUTs  n= 9  mean   1.1 %  max   3.2 %
 *   xilinx eltwise_add      LUTs  n=15  mean   1.5 %  max   3.3 %
 *   xilinx eltwise_mul      LUTs  n=12  mean  13.5 %  max  21.6 %
 *   xilinx fc               LUTs  n=20  mean  14.2 %  max  50.0 %
 *   xilinx fifo_ext         LUTs  n= 4  mean   0.5 %  max   0.6 %
 *   xilinx gap              LUTs  n=20  mean   8.4 %  max  38.5 %
 *   xilinx gate             LUTs  n=20  mean  11.9 %  max  29.8 %
 *   xilinx maxpool          LUTs  n= 1  mean   0.0 %  max   0.0 %
 *   xilinx mix              LUTs  n=20  mean  10.6 %  max  64.5 %
 *   xilinx mvau_int         LUTs  n= 9  mean   7.6 %  max  14.4 %
 *   xilinx mvau_xnor        LUTs  n=25  mean   4.9 %  max  17.1 %
 *   xilinx sigmoid_lut      LUTs  n= 9  mean   0.1 %  max   0.3 %
 *   xilinx sliding_window   LUTs  n=16  mean   8.1 %  max  20.4 %
 *   xilinx stream_dwc       LUTs  n=17  mean  21.5 %  max  52.3 %
 *   xilinx stream_fifo      LUTs  n=20  mean   8.4 %  max  35.2 %
 *   xilinx stream_fork      LUTs  n=16  mean  10.7 %  max  23.1 %
 *   xilinx threshold        LUTs  n=13  mean  11.1 %  max  25.1 %
 *   ice40  affine           LUTs  n=12  mean  15.3 %  max  35.8 %
 *   ice40  avgpool2         LUTs  n= 8  mean   2.7 %  max   6.4 %
 *   ice40  concat           LUTs  n= 7  mean   0.9 %  max   3.2 %
 *   ice40  eltwise_add      LUTs  n=11  mean   4.1 %  max  19.4 %
 *   ice40  eltwise_mul      LUTs  n= 8  mean   0.1 %  max   0.2 %
 *   ice40  fc               LUTs  n=12  mean   5.6 %  max  11.6 %
 *   ice40  fifo_ext         LUTs  n= 3  mean   0.2 %  max   0.3 %
 *   ice40  gap              LUTs  n=12  mean   6.9 %  max  18.7 %
 *   ice40  gate             LUTs  n=12  mean   2.2 %  max  12.2 %
 *   ice40  maxpool          LUTs  n= 1  mean   0.0 %  max   0.0 %
 *   ice40  mix              LUTs  n=12  mean   2.3 %  max   6.6 %
 *   ice40  mvau_int         LUTs  n= 8  mean   1.0 %  max   2.5 %
 *   ice40  mvau_xnor        LUTs  n=25  mean   4.2 %  max  12.0 %
 *   ice40  sigmoid_lut      LUTs  n= 8  mean  33.3 %  max  96.1 %
 *   ice40  sliding_window   LUTs  n=12  mean   9.1 %  max  17.5 %
 *   ice40  stream_dwc       LUTs  n=11  mean  16.8 %  max  40.6 %
 *   ice40  stream_fifo      LUTs  n=12  mean  20.5 %  max  46.0 %
 *   ice40  stream_fork      LUTs  n=11  mean   0.0 %  max   0.0 %
 *   ice40  threshold        LUTs  n=11  mean  15.6 %  max  26.4 %
 */
import type { CoreCoefficients, EstimateTarget } from './types.js';

/** Coefficients per family and core. */
export const COEFFICIENTS: Readonly<Record<EstimateTarget, Readonly<Record<string, CoreCoefficients>>>> = {
  ice40: {
    affine: { carry: { dspMul: 13.377, laneBits: 1.3858 }, ffs: { laneBits: 2.4954, one: 39.52 }, luts: { dspMul: 120.48, laneBits: 12.53, one: 301.85 } },
    avgpool2: { carry: { ctl: 2.0021, laneBits: 2.1545 }, ffs: { laneBits: 12.799, one: 63.522 }, luts: { laneBits: 6.7183, one: 102.96 } },
    concat: { carry: { ctl: 0.45404 }, ffs: { ctl: 1, laneBits: 1.4118, one: 6 }, luts: { ctl: 1.4707, laneBits: 0.95006, one: 15.72 } },
    eltwise_add: { carry: { laneBits: 0.80052 }, ffs: { laneBits: 1.8723, one: 8.0927 }, luts: { laneBits: 1.9333, one: 8.1731 } },
    eltwise_mul: { carry: { dspMul: 15.38, mulBits: 0.097841 }, ffs: { dspMul: 30, laneBits: 1, one: 8 }, luts: { dspMul: 135.01, mulBits: 2.3667, one: 10.675 } },
    fc: { carry: { ctl: 3.6236, dspMul: 20.764, romLogicBits: 0.0090505 }, ffs: { accBits: 3.2363, bramMuxBits: 0.010998, ctl: 5.4759 }, luts: { bramMuxBits: 0.40727, ctl: 11.103, dspMul: 197.67, one: 62.586 } },
    fifo_ext: { carry: { addrBits: 2.5627 }, ffs: { dataBits: 1.9504, one: 164.46 }, luts: { addrBits: 5.1331, dataBits: 0.99767 } },
    gap: { carry: { ctl: 1.2343, dspMul: 5.2193, mulBits: 0.056185, outBits: 0.86021 }, ffs: { mulBits: 0.15801, one: 28.522, outBits: 4.2556 }, luts: { mulBits: 0.19358, one: 51.147, outBits: 4.0652 } },
    gate: { carry: { ctl: 2.0796, dspMul: 15.569, laneBits: 1.1948 }, ffs: { laneBits: 5.2197 }, luts: { dspMul: 449.26, laneBits: 13.534 } },
    maxpool: { carry: { ctl: 8.4375 }, ffs: { ctl: 17.75 }, luts: { ctl: 23.25 } },
    mix: { carry: { ctl: 1.0543, dspMul: 55.204, romLogicBits: 0.0004245 }, ffs: { dspMul: 52.143, one: 13.096 }, luts: { dspMul: 673.97, one: 116.06, romLogicBits: 0.013522 } },
    mvau_int: { carry: { accBits: 1.4026, one: 8.1821, replayBits: 0.13405, sumBits: 0.018927 }, ffs: { accBits: 4.0907, dotMulBits: 0.032068, one: 59.683 }, luts: { accBits: 1.4122, ctl: 3.2781, dotMulBits: 1.3489, mulBits: 2.045 } },
    mvau_xnor: { carry: { accBits: 1.0104, bramMuxBits: 0.01701, ctl: 1.051, treeBits: 0.48067 }, ffs: { accBits: 4.5409, ctl: 2.3495, memLogicBits: 1.0527, one: 15.968, replayBits: 1.1488 }, luts: { accBits: 1.3294, bramMuxBits: 0.85954, ctl: 6.9592, leaves: 8.5832, memLogicBits: 1.1464 } },
    sigmoid_lut: { ffs: { laneBits: 1.3835 }, luts: { laneBits: 0.95013 } },
    sliding_window: { carry: { addrBits: 4.6078 }, ffs: { addrBits: 2.8212, beatBits: 4.1604, one: 15.898 }, luts: { addrBits: 12.344, beatBits: 2.7786 } },
    stream_dwc: { carry: { one: 0.98705, selectBits: 0.010813 }, ffs: { gatherBits: 0.87789, gatherShift: 0.05835, one: 6.2666, outBits: 2.0776, selectBits: 1.0097 }, luts: { outBits: 2.5326, selectShift: 0.60935 } },
    stream_fifo: { carry: { bramMuxBits: 0.26115, ptrBits: 3.0935 }, ffs: { dataBits: 1.5427, one: 48.011 }, luts: { bramMuxBits: 1.5112, one: 87.801 } },
    stream_fork: { ffs: { outputs: 1 }, luts: { one: 4.5, outputPairs: 0.25, outputs: 1.75 } },
    threshold: { carry: { cmpBits: 0.895, ctl: 1.0096, romLogicBits: 0.00045233 }, ffs: { cmpBits: 0.93003, one: 22.384, romLogicBits: 0.0032009 }, luts: { one: 52.602, romLogicBits: 0.015102 } },
  },
  xilinx: {
    affine: { carry: { dspMul: 1.9602, mulBits: 0.01449, one: 1.2997 }, dsp: { dspMul: 1 }, ffs: { dspMul: 27.894, laneBits: 1.0521, one: 14.91, romLogicBits: 0.003055 }, luts: { dspMul: 27.778, laneBits: 1.3553 } },
    avgpool2: { carry: { ctl: 0.60779, laneBits: 0.61862 }, ffs: { laneBits: 9.4207, lutramBits: 0.010526, one: 45.409 }, luts: { ctl: 7.667, laneBits: 6.0522 } },
    concat: { carry: { ctl: 0.24615 }, ffs: { ctl: 1, laneBits: 1.4118, one: 6 }, luts: { ctl: 2.4045, laneBits: 0.93287, one: 11.381 } },
    eltwise_add: { carry: { laneBits: 0.2536 }, ffs: { laneBits: 1.8656, one: 8.4419 }, luts: { laneBits: 1.3526, one: 12.202 } },
    eltwise_mul: { carry: { dspMul: 6 }, dsp: { dspMul: 1 }, ffs: { dspMul: 48, one: 8 }, luts: { dspMul: 42.613, one: 9.1519 } },
    fc: { carry: { ctl: 0.82064, dspMul: 1.9511 }, dsp: { dspMul: 1 }, ffs: { accBits: 2.6978, lutramBits: 0.017047, memLogicBits: 2.1593, romLogicBits: 0.0056186 }, luts: { bramMuxBits: 3.4504, dspMul: 20.579, lutramBits: 0.045047, one: 61.076, romLogicBits: 0.024291 } },
    fifo_ext: { carry: { addrBits: 0.5, one: 12 }, ffs: { dataBits: 0.94411, lutramBits: 0.0010085, one: 149.99 }, luts: { addrBits: 5.5197 } },
    gap: { carry: { ctl: 0.45604, mulBits: 0.025936, outBits: 0.12208 }, ffs: { ctl: 2.9078, mulBits: 0.17377, outBits: 2.8114 }, luts: { mulBits: 0.27577, one: 82.987 } },
    gate: { carry: { ctl: 0.67926, laneBits: 0.27738 }, dsp: { dspMul: 1 }, ffs: { laneBits: 3.5841, lutramBits: 0.0065397 }, luts: { laneBits: 4.221 } },
    maxpool: { carry: { ctl: 1.8125 }, ffs: { ctl: 14.188 }, luts: { ctl: 18.313 } },
    mix: { carry: { ctl: 0.16084, dspMul: 4.3086, romLogicBits: 0.00013116 }, dsp: { dspMul: 1 }, ffs: { ctl: 1.0697, dspMul: 19.682, one: 6.224 }, luts: { ctl: 5.6598, dspMul: 24.652, romLogicBits: 0.01073 } },
    mvau_int: { carry: { accBits: 0.30077, one: 3.8099, replayBits: 0.16529 }, dsp: { dspMul: 1 }, ffs: { accBits: 3.8363, dspMul: 0.77554, one: 41.533, replayBits: 1.365 }, luts: { dotMulBits: 0.15796, memLogicBits: 9.8917, one: 117.19 } },
    mvau_xnor: { carry: { accBits: 0.1889, bramMuxBits: 0.027975, leaves: 0.9263, lutramBits: 0.0049436, one: 3.6621 }, ffs: { accBits: 4.3225, ctl: 2.5816, leaves: 0.12001, one: 17.076, replayBits: 1.052 }, luts: { accBits: 1.5629, bramMuxBits: 1.0107, leaves: 4.8977, lutramBits: 0.09114, one: 62.603 } },
    sigmoid_lut: { ffs: { laneBits: 1.1304, one: 6, romLogicBits: 0.00090144 }, luts: { laneBits: 0.60875, one: 8.9982, romLogicBits: 0.012846 } },
    sliding_window: { carry: { addrBits: 1.0394 }, ffs: { addrBits: 1.8677, beatBits: 2.1099, one: 29.793 }, luts: { addrBits: 9.1354, beatBits: 2.068 } },
    stream_dwc: { carry: { gatherShift: 0.07814, one: 1.262, selectShift: 0.00047744 }, ffs: { gatherBits: 0.98434, gatherShift: 0.026695, one: 7.065, outBits: 1.9878, selectBits: 1.0124 }, luts: { gatherBits: 7.4472, one: 19.572, selectShift: 0.30845 } },
    stream_fifo: { carry: { one: 1.1569, ptrBits: 1.0103 }, ffs: { lutramBits: 0.01445, one: 13.602, ptrBits: 1.6479 }, luts: { bramMuxBits: 1.1087, one: 8.7515, ptrBits: 7.4576 } },
    stream_fork: { ffs: { outputs: 1 }, luts: { outputPairs: 0.80131, outputs: 1.0601 } },
    threshold: { carry: { cmpBits: 0.11337, ctl: 0.28832, romLogicBits: 0.00004311 }, ffs: { cmpBits: 0.99829, one: 20.958, romLogicBits: 0.0030297 }, luts: { cmpBits: 0.50256, one: 35.171, romLogicBits: 0.0041748 } },
  },
};
