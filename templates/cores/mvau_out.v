// mvau_out: the accumulate-and-emit stage shared by mvau_xnor and mvau_int. It owns the unit's
// stall signal and its output register slice.
//
// What it computes, per output channel block: PE signed accumulators
//     acc_p = AccInit + sum over the block's steps of contrib_i[p]   (mod 2**AccW)
// A block starts after reset or after the previous block's last step (last_i). When the block's
// last step arrives, acc_p is emitted: OutMode "acc" = one beat of PE lanes of AccW signed bits
// (lane p at [(p+1)*AccW-1 : p*AccW]); OutMode "thresh" = one beat of PE bits,
// bit p = (acc_p >= T[nf_i*PE + p]) as signed numbers, T from ThreshFile ($readmemh, MH values
// of AccW bits, two's complement, channel order).
//
// Handshake: en_o = the result register is free or can move on; every pipeline register of the
// unit advances only when en_o is high. en_o is a function of registers only, so no combinational
// path runs from out_tready_i to the unit's input ready; out_* are registers. Output stage:
//  - Steps >= 2 (every block takes at least two steps, so results come at most every other
//    cycle): one output register, the result register being the second slot. en_o is low only
//    while both hold a result; without back-pressure that never happens, so the unit runs at full
//    rate, and the stage costs no multiplexer (a skid buffer's is one LUT per output bit).
//  - Steps = 1 (a result every cycle): a skid_buffer, whose registered ready keeps full rate.
//
// Latency: result register + output register = 2 cycles from the last step to out_tvalid_o.
//
// Parameter constraints: PE >= 1, MH % PE == 0, AccW >= 2, OutMode "acc" or "thresh" (then
// ThreshFile is required), Steps >= 1 and no block shorter than Steps steps.
`default_nettype none

module mvau_out #(
  parameter integer   MH         = 4,      // output channels
  parameter integer   PE         = 1,      // output channels per beat (divides MH)
  parameter integer   AccW       = 8,      // accumulator width in bits (signed)
  parameter integer   AccInit    = 0,      // value each accumulator starts a block with
  parameter [8*8-1:0] OutMode    = "acc",  // "acc": emit accumulators; "thresh": emit acc >= T
  parameter           ThreshFile = "",     // $readmemh file of MH thresholds (OutMode "thresh")
  parameter integer   Steps      = 1       // fewest steps of a block (SF of the MVAU); >= 2: no skid buffer
) (
  input  wire                                 clk_i,         // clock, rising edge
  input  wire                                 rst_ni,        // synchronous reset, active low
  output wire                                 en_o,          // the unit's pipeline may advance

  // contributions of one step, aligned with their side band
  input  wire                                 step_valid_i,  // a step arrives
  input  wire                                 last_i,        // last step of the block
  input  wire                                 tlast_i,       // last step of the frame
  input  wire [((MH/PE > 1) ? $clog2(MH/PE) : 1)-1:0] nf_i,  // channel block of the step
  input  wire [PE*AccW-1:0]                   contrib_i,     // lane p: signed addend of acc_p

  // output stream
  output wire                                 out_tvalid_o,  // output beat valid
  input  wire                                 out_tready_i,  // downstream takes the beat
  output wire [((OutMode == {16'h0000, "thresh"}) ? PE : PE*AccW)-1:0] out_tdata_o,  // acc or bits
  output wire                                 out_tlast_o    // last beat of the frame
);

  localparam [8*8-1:0] ModeAcc    = "acc";
  localparam [8*8-1:0] ModeThresh = "thresh";
  localparam integer   Thresh     = (OutMode == ModeThresh) ? 1 : 0;
  localparam integer   NF         = MH / PE;
  localparam integer   NfW        = (NF > 1) ? $clog2(NF) : 1;
  localparam integer   OutW       = (Thresh != 0) ? PE : PE * AccW;

  generate
    if (PE < 1 || MH < 1 || (MH % PE) != 0 || AccW < 2 || Steps < 1 || (OutMode != ModeAcc && OutMode != ModeThresh)
        || (Thresh != 0 && !(|ThreshFile))) begin : gen_param_error
      initial begin
        $display("mvau_out: parameter error: need MH %% PE == 0 (MH %0d, PE %0d), AccW >= 2 (%0d), Steps >= 1 (%0d), OutMode \"acc\" or \"thresh\" (with ThreshFile)",
                 MH, PE, AccW, Steps);
        $finish;
      end
      mvau_error_bad_outmode_or_widths u_param_error ();
    end
  endgenerate

  // AccInit as AccW two's-complement bits
  wire [AccW-1:0] acc_init;
  generate
    if (AccW <= 32) begin : gen_init_narrow
      assign acc_init = AccInit[AccW-1:0];
    end else begin : gen_init_wide
      assign acc_init = {{(AccW - 32){AccInit[31]}}, AccInit[31:0]};
    end
  endgenerate

  wire             res_leaves;  // the result moves to the output stage this cycle
  wire             res_free;    // registered: the result register may take a new result
  reg              res_valid_q;
  reg              res_tlast_q;
  wire [OutW-1:0]  res_data;
  wire             step_end = step_valid_i && last_i;

  assign en_o = !res_valid_q || res_free;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      res_valid_q <= 1'b0;
      res_tlast_q <= 1'b0;
    end else if (en_o) begin
      res_valid_q <= step_end;
      if (step_end) res_tlast_q <= tlast_i;
    end else if (res_leaves) begin
      res_valid_q <= 1'b0;
    end
  end

  wire [PE*AccW-1:0] res_all;  // emitted accumulators, lane p at [p*AccW +: AccW]

  genvar p;
  generate
    for (p = 0; p < PE; p = p + 1) begin : gen_pe
      reg  [AccW-1:0] acc_q;
      reg  [AccW-1:0] res_q;
      wire [AccW-1:0] sum = acc_q + contrib_i[p*AccW +: AccW];

      always @(posedge clk_i) begin
        if (!rst_ni || (en_o && step_end)) acc_q <= acc_init;
        else if (en_o && step_valid_i)     acc_q <= sum;
      end
      always @(posedge clk_i) begin
        if (en_o && step_end) res_q <= sum;
      end
      assign res_all[p*AccW +: AccW] = res_q;
    end

    if (Thresh != 0) begin : gen_thresh
      localparam integer TA = (MH > 1) ? $clog2(MH) : 1;  // threshold ROM address width
      reg  [AccW-1:0] thr_rom_q [0:MH-1];
      initial $readmemh(ThreshFile, thr_rom_q);
      wire [31:0] base = {{(32 - NfW){1'b0}}, nf_i} * PE;  // first channel of the block
      for (p = 0; p < PE; p = p + 1) begin : gen_cmp
        wire [31:0]     addr = base + p;
        wire            unused_addr_hi = ^addr[31:TA];
        reg  [AccW-1:0] thr_q;
        always @(posedge clk_i) begin
          if (en_o && step_end) thr_q <= thr_rom_q[addr[TA-1:0]];
        end
        assign res_data[p] = ($signed(res_all[p*AccW +: AccW]) >= $signed(thr_q));
      end
    end else begin : gen_acc
      wire [NfW-1:0] unused_nf = nf_i;
      assign res_data = res_all;
    end
  endgenerate

  generate
    if (Steps >= 2) begin : gen_out_reg
      // one output register; a held result waits in the result register (en_o low)
      reg             out_valid_q;
      reg             out_tlast_q;
      reg [OutW-1:0]  out_data_q;
      wire            out_free = !out_valid_q || out_tready_i;

      assign res_leaves = res_valid_q && out_free;
      assign res_free   = !out_valid_q;

      always @(posedge clk_i) begin
        if (!rst_ni) begin
          out_valid_q <= 1'b0;
          out_tlast_q <= 1'b0;
        end else if (res_leaves) begin
          out_valid_q <= 1'b1;
          out_tlast_q <= res_tlast_q;
        end else if (out_tready_i) begin
          out_valid_q <= 1'b0;
        end
      end
      always @(posedge clk_i) begin
        if (res_leaves) out_data_q <= res_data;
      end

      assign out_tvalid_o = out_valid_q;
      assign out_tdata_o  = out_data_q;
      assign out_tlast_o  = out_tlast_q;
    end else begin : gen_out_skid
      wire skid_ready;

      assign res_leaves = res_valid_q && skid_ready;
      assign res_free   = skid_ready;

      skid_buffer #(
        .DataW(OutW)
      ) u_out_skid (
        .clk_i      (clk_i),
        .rst_ni     (rst_ni),
        .in_tvalid_i(res_valid_q),
        .in_tready_o(skid_ready),
        .in_tdata_i (res_data),
        .in_tlast_i (res_tlast_q),
        .out_tvalid_o(out_tvalid_o),
        .out_tready_i(out_tready_i),
        .out_tdata_o (out_tdata_o),
        .out_tlast_o (out_tlast_o)
      );
    end
  endgenerate

endmodule

`default_nettype wire
