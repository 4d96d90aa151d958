// mvau_feed: the issue stage shared by mvau_xnor and mvau_int. It walks the (nf, sf) schedule of
// a matrix-vector unit, reads each input beat once per pixel (buffering it for nf > 0), fetches
// the weight word of every step (ROM or weight stream) and presents one registered step per
// enabled cycle to the datapath.
//
// Schedule, per pixel: for nf in 0..NF-1, for sf in 0..SF-1: one step (NF = MH/PE, SF = MW/SIMD).
// Steps with nf = 0 take input beat sf from in_* and store it; steps with nf > 0 replay it.
//
// Input stream in: tdata = {pad, SIMD lanes of ElemW bits} (lane i at [(i+1)*ElemW-1 : i*ElemW],
// pad flag at bit SIMD*ElemW), one beat per sf, tlast on the last beat of the frame.
// Weight stream w (WeightFile == ""): one WordW = PE*SIMD*WElemW-bit word per step, in step
// order (address nf*SF + sf), repeated for every pixel; w_tlast_i is ignored.
// Weight ROM (WeightFile != ""): $readmemh file of NF*SF words of WordW bits, word nf*SF + sf.
// RomStyle "block" puts it in block RAM (Yosys would otherwise turn a shallow, wide ROM into
// LUTs: about two LUT6 per word bit); "auto" leaves the choice to the synthesis tool.
// Word layout: lane p (output channel nf*PE + p) at [(p+1)*SIMD*WElemW-1 : p*SIMD*WElemW];
// element j of a lane (input index sf*SIMD + j) at [(j+1)*WElemW-1 : j*WElemW] inside it.
//
// Step outputs (registered, valid one enabled cycle after the step is issued): step_valid_o,
// act_o/pad_o (the input beat), wgt_o (the weight word), last_o (sf = SF-1),
// nf_o, tlast_o (the step ends the frame: last step of the pixel that carried in_tlast_i).
//
// Cycle model: one step per enabled cycle while the needed input beat / weight word is there;
// NF*SF cycles per pixel. Everything advances only when en_i is high (the unit's stall signal).
// in_tready_o and w_tready_o depend on en_i and on the other stream's tvalid (never on their own).
//
// Parameter constraints: SIMD >= 1, PE >= 1, MW % SIMD == 0, MH % PE == 0, ElemW >= 1, WElemW >= 1.
`default_nettype none

module mvau_feed #(
  parameter integer MW         = 8,   // matrix width: inputs per output channel
  parameter integer MH         = 4,   // matrix height: output channels
  parameter integer PE         = 1,   // output channels per step (divides MH)
  parameter integer SIMD       = 8,   // input elements per step (divides MW)
  parameter integer ElemW      = 1,   // bits per input element
  parameter integer WElemW     = 1,   // bits per weight element
  parameter         WeightFile = "",  // $readmemh weight file; "" = weights from the w stream
  parameter [8*8-1:0] RomStyle = "block"  // weight ROM: "block" (block RAM) or "auto" (Yosys picks)
) (
  input  wire                               clk_i,         // clock, rising edge
  input  wire                               rst_ni,        // synchronous reset, active low
  input  wire                               en_i,          // advance the pipeline this cycle

  // input stream: {pad, SIMD elements}
  input  wire                               in_tvalid_i,   // input beat valid
  output wire                               in_tready_o,   // input beat taken
  input  wire [SIMD*ElemW:0]                in_tdata_i,    // {pad flag, elements}
  input  wire                               in_tlast_i,    // last beat of the frame

  // weight stream (WeightFile == "" only)
  input  wire                               w_tvalid_i,    // weight word valid
  output wire                               w_tready_o,    // weight word taken
  input  wire [PE*SIMD*WElemW-1:0]          w_tdata_i,     // weight word of the current step
  input  wire                               w_tlast_i,     // ignored

  // issued step (registered)
  output wire                               step_valid_o,  // a step is presented
  output wire [SIMD*ElemW-1:0]              act_o,         // input elements of the step
  output wire                               pad_o,         // the input beat is padding
  output wire [PE*SIMD*WElemW-1:0]          wgt_o,         // weight word of the step
  output wire                               last_o,        // sf == SF-1
  output wire [((MH/PE > 1) ? $clog2(MH/PE) : 1)-1:0] nf_o,  // output channel block nf
  output wire                               tlast_o        // last step of the frame
);

  localparam integer SF      = MW / SIMD;
  localparam integer NF      = MH / PE;
  localparam integer InW     = SIMD * ElemW;
  localparam integer WordW   = PE * SIMD * WElemW;
  localparam integer Words   = NF * SF;
  localparam integer SfW     = (SF > 1) ? $clog2(SF) : 1;
  localparam integer NfW     = (NF > 1) ? $clog2(NF) : 1;
  localparam integer AddrW   = (Words > 1) ? $clog2(Words) : 1;
  localparam integer HasRom  = (|WeightFile) ? 1 : 0;
  localparam integer LastSfI = SF - 1;
  localparam integer LastNfI = NF - 1;
  localparam integer LastAdI = Words - 1;
  localparam [8*8-1:0] StyleBlock = "block";
  localparam [8*8-1:0] StyleAuto  = "auto";

  generate
    if (SIMD < 1 || PE < 1 || MW < 1 || MH < 1 || ElemW < 1 || WElemW < 1 || (MW % SIMD) != 0 || (MH % PE) != 0
        || (RomStyle != StyleBlock && RomStyle != StyleAuto)) begin : gen_param_error
      initial begin
        $display("mvau_feed: parameter error: need MW %% SIMD == 0 (MW %0d, SIMD %0d), MH %% PE == 0 (MH %0d, PE %0d), widths >= 1, RomStyle \"block\" or \"auto\"",
                 MW, SIMD, MH, PE);
        $finish;
      end
      mvau_error_mw_simd_mh_pe_must_divide u_param_error ();
    end
  endgenerate

  wire [SfW-1:0]   last_sf   = LastSfI[SfW-1:0];
  wire [NfW-1:0]   last_nf   = LastNfI[NfW-1:0];
  wire [AddrW-1:0] last_addr = LastAdI[AddrW-1:0];

  reg  [SfW-1:0]   sf_q;
  reg  [NfW-1:0]   nf_q;
  reg  [AddrW-1:0] addr_q;       // weight address nf*SF + sf
  reg              pix_last_q;   // the current pixel carried in_tlast_i
  reg              valid_q;
  reg  [InW-1:0]   act_q;
  reg              pad_q;
  reg  [WordW-1:0] wgt_q;
  reg              last_q;
  reg  [NfW-1:0]   nf_out_q;
  reg              tlast_q;

  wire at_nf0   = (nf_q == {NfW{1'b0}});
  wire at_sf_hi = (sf_q == last_sf);
  wire at_nf_hi = (nf_q == last_nf);
  wire act_ok   = !at_nf0 || in_tvalid_i;           // input beat available (or replayed)
  wire wgt_ok   = (HasRom != 0) || w_tvalid_i;      // weight word available
  wire fire     = en_i && act_ok && wgt_ok;         // issue step (nf_q, sf_q) this cycle
  wire cur_last = at_nf0 ? in_tlast_i : pix_last_q;  // this pixel ends the frame

  assign in_tready_o = en_i && at_nf0 && wgt_ok;
  assign w_tready_o  = (HasRom == 0) && en_i && act_ok;

  // schedule counters
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      sf_q       <= {SfW{1'b0}};
      nf_q       <= {NfW{1'b0}};
      addr_q     <= {AddrW{1'b0}};
      pix_last_q <= 1'b0;
    end else if (fire) begin
      sf_q   <= at_sf_hi ? {SfW{1'b0}} : sf_q + 1'b1;
      addr_q <= (addr_q == last_addr) ? {AddrW{1'b0}} : addr_q + 1'b1;
      if (at_sf_hi) nf_q <= at_nf_hi ? {NfW{1'b0}} : nf_q + 1'b1;
      if (at_nf0 && at_sf_hi) pix_last_q <= in_tlast_i;
    end
  end

  // step register: side band
  always @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
      tlast_q <= 1'b0;
    end else if (en_i) begin
      valid_q <= fire;
      tlast_q <= fire && at_sf_hi && at_nf_hi && cur_last;
    end
  end

  always @(posedge clk_i) begin
    if (fire) begin
      last_q   <= at_sf_hi;
      nf_out_q <= nf_q;
    end
  end

  // input elements: straight from the stream at nf = 0, from the pixel buffer after that
  generate
    if (NF > 1) begin : gen_buffer
      reg [InW:0] buf_q [0:SF-1];  // {pad, elements} of the current pixel, by sf
      always @(posedge clk_i) begin
        if (fire && at_nf0) buf_q[sf_q] <= in_tdata_i;
      end
      always @(posedge clk_i) begin
        if (fire) {pad_q, act_q} <= at_nf0 ? in_tdata_i : buf_q[sf_q];
      end
    end else begin : gen_direct
      always @(posedge clk_i) begin
        if (fire) {pad_q, act_q} <= in_tdata_i;
      end
    end

    // weight word: ROM (synchronous read, block-RAM friendly) or stream
    if (HasRom != 0 && RomStyle == StyleBlock) begin : gen_rom
      (* rom_style = "block" *) reg [WordW-1:0] rom_q [0:Words-1];
      initial $readmemh(WeightFile, rom_q);
      always @(posedge clk_i) begin
        if (fire) wgt_q <= rom_q[addr_q];
      end
      wire unused_w = w_tvalid_i ^ w_tlast_i ^ (^w_tdata_i);
    end else if (HasRom != 0) begin : gen_rom_auto
      reg [WordW-1:0] rom_q [0:Words-1];
      initial $readmemh(WeightFile, rom_q);
      always @(posedge clk_i) begin
        if (fire) wgt_q <= rom_q[addr_q];
      end
      wire unused_w = w_tvalid_i ^ w_tlast_i ^ (^w_tdata_i);
    end else begin : gen_stream
      always @(posedge clk_i) begin
        if (fire) wgt_q <= w_tdata_i;
      end
      wire unused_w = w_tlast_i;
    end
  endgenerate

  assign step_valid_o = valid_q;
  assign act_o        = act_q;
  assign pad_o        = pad_q;
  assign wgt_o        = wgt_q;
  assign last_o       = last_q;
  assign nf_o         = nf_out_q;
  assign tlast_o      = tlast_q;

endmodule

`default_nettype wire
