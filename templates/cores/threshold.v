// threshold: per-channel binarization of a multi-bit map (sign activation with a learned,
// folded threshold).
//
// What it computes: for every element x of channel c, out = (x >= T[c]) as signed numbers
// (bit 1 = +1, bit 0 = -1; a tie x == T[c] gives 1).
//
// Input stream in: Par lanes of InW-bit signed values per beat (lane i at [(i+1)*InW-1 : i*InW]),
//   each pixel as CB = Channels/Par beats, channel blocks in increasing order, so beat b of a
//   pixel holds channels b*Par .. b*Par+Par-1. tlast marks the frame's last beat.
// Output stream out: Par bits per beat, bit i = lane i's result; same beats, same tlast.
// Thresholds: ThreshFile, a $readmemh file of Channels ThreshW-bit two's-complement values in
//   channel order (ThreshW = InW + 1 represents every useful threshold of an InW-bit input,
//   including "always +1" = -2**(InW-1) and "always -1" = 2**(InW-1)). ThreshFile "" means every
//   threshold is 0 (the plain sign function).
//
// Cycle model: one beat per cycle; latency 2 cycles (threshold fetch + compare, skid buffer).
// in_tready_o is a function of registers only; out_* are registers.
//
// Parameter constraints: Channels % Par == 0, InW >= 1, ThreshW >= 1.
`default_nettype none

module threshold #(
  parameter integer Channels   = 8,        // channels of the map
  parameter integer Par        = 4,        // lanes per beat (divides Channels)
  parameter integer InW        = 8,        // input value bits (signed)
  parameter integer ThreshW    = InW + 1,  // threshold bits (signed)
  parameter         ThreshFile = ""        // $readmemh file, one threshold per channel; "" = all 0
) (
  input  wire               clk_i,         // clock, rising edge
  input  wire               rst_ni,        // synchronous reset, active low

  // input stream: Par signed values
  input  wire               in_tvalid_i,   // input beat valid
  output wire               in_tready_o,   // input beat taken
  input  wire [Par*InW-1:0] in_tdata_i,    // lanes of one channel block
  input  wire               in_tlast_i,    // last beat of the frame

  // output stream: Par bits
  output wire               out_tvalid_o,  // output beat valid
  input  wire               out_tready_i,  // downstream takes the beat
  output wire [Par-1:0]     out_tdata_o,   // bit i = lane i >= its channel's threshold
  output wire               out_tlast_o    // last beat of the frame
);

  localparam integer CB      = Channels / Par;
  localparam integer CbW     = (CB > 1) ? $clog2(CB) : 1;
  localparam integer TA      = (Channels > 1) ? $clog2(Channels) : 1;
  localparam integer CmpW    = ((InW > ThreshW) ? InW : ThreshW) + 1;  // common signed width
  localparam integer LastCbI = CB - 1;

  generate
    if (Par < 1 || Channels < 1 || (Channels % Par) != 0 || InW < 1 || ThreshW < 1) begin : gen_param_error
      initial begin
        $display("threshold: parameter error: need Channels %% Par == 0 (%0d, %0d), InW, ThreshW >= 1 (%0d, %0d)",
                 Channels, Par, InW, ThreshW);
        $finish;
      end
      threshold_error_bad_parameters u_param_error ();
    end
  endgenerate

  wire [CbW-1:0] last_cb = LastCbI[CbW-1:0];

  wire          skid_ready;
  reg           s1_valid_q;
  reg           s1_last_q;
  reg [CbW-1:0] cb_q;         // channel block of the next input beat
  reg [Par*InW-1:0] x_q;

  wire en      = !s1_valid_q || skid_ready;
  wire in_fire = en && in_tvalid_i;

  assign in_tready_o = en;

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      s1_valid_q <= 1'b0;
      s1_last_q  <= 1'b0;
      cb_q       <= {CbW{1'b0}};
    end else if (en) begin
      s1_valid_q <= in_tvalid_i;
      if (in_tvalid_i) begin
        s1_last_q <= in_tlast_i;
        cb_q      <= (cb_q == last_cb) ? {CbW{1'b0}} : cb_q + 1'b1;
      end
    end
  end

  always @(posedge clk_i) begin
    if (in_fire) x_q <= in_tdata_i;
  end

  wire [Par-1:0] bits;
  wire [Par*ThreshW-1:0] thr;  // thresholds of the beat in stage 1, lane p at [p*ThreshW +: ThreshW]

  genvar p;
  generate
    if (|ThreshFile) begin : gen_rom
      reg  [ThreshW-1:0] rom_q [0:Channels-1];
      initial $readmemh(ThreshFile, rom_q);
      wire [31:0] base = {{(32 - CbW){1'b0}}, cb_q} * Par;  // first channel of the block
      for (p = 0; p < Par; p = p + 1) begin : gen_fetch
        wire [31:0]        addr = base + p;
        wire               unused_addr_hi = ^addr[31:TA];
        reg  [ThreshW-1:0] thr_q;
        always @(posedge clk_i) begin
          if (in_fire) thr_q <= rom_q[addr[TA-1:0]];
        end
        assign thr[p*ThreshW +: ThreshW] = thr_q;
      end
    end else begin : gen_zero
      assign thr = {(Par * ThreshW){1'b0}};
    end

    for (p = 0; p < Par; p = p + 1) begin : gen_lane
      wire [InW-1:0]     x = x_q[p*InW +: InW];
      wire [ThreshW-1:0] t = thr[p*ThreshW +: ThreshW];
      wire [CmpW-1:0]    x_ext = {{(CmpW - InW){x[InW-1]}}, x};
      wire [CmpW-1:0]    t_ext = {{(CmpW - ThreshW){t[ThreshW-1]}}, t};
      assign bits[p] = ($signed(x_ext) >= $signed(t_ext));
    end
  endgenerate

  skid_buffer #(
    .DataW(Par)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(s1_valid_q),
    .in_tready_o(skid_ready),
    .in_tdata_i (bits),
    .in_tlast_i (s1_last_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

endmodule

`default_nettype wire
