// sigmoid_lut: sigmoid by table lookup, lane by lane.
//
// What it computes (src/ref/ops/sigmoid.ts, integer interpretation):
//   y = lut[x - minCode(in)]
// i.e. the table entry of the input code, entries ordered from the smallest code to the largest
// (for signed inputs the address is the code with its sign bit inverted). Input codes are in
// range by construction, so saturate(x) = x.
//
// Streams: in (InW-bit lanes) and out (OutW-bit lanes), Par lanes per beat, lane i at bits
// [(i+1)*W-1 : i*W]; tlast passes through with its beat.
//
// Table: a $readmemh file of 2^InW entries of OutW bits (hex), entry k for code minCode + k
// (an empty file name gives an all-zero table). Par lanes read it in parallel.
//
// Latency and cycle model: one beat per cycle; one register stage (the synchronous table read)
// plus the output skid buffer.
`default_nettype none

module sigmoid_lut #(
  parameter integer Par      = 1,   // lanes per beat
  parameter integer InW      = 10,  // input code width (table has 2^InW entries)
  parameter integer InSigned = 1,   // 1: input codes are two's complement; 0: unsigned
  parameter integer OutW     = 13,  // output code width
  parameter         LutFile  = ""   // $readmemh file of the table
) (
  input  wire                clk_i,         // clock, rising edge
  input  wire                rst_ni,        // synchronous reset, active low

  // input stream
  input  wire                in_tvalid_i,   // input beat valid
  output wire                in_tready_o,   // core accepts the beat (registered)
  input  wire [Par*InW-1:0]  in_tdata_i,    // Par input codes
  input  wire                in_tlast_i,    // last beat of a frame

  // output stream
  output wire                out_tvalid_o,  // output beat valid (registered)
  input  wire                out_tready_i,  // downstream takes the beat
  output wire [Par*OutW-1:0] out_tdata_o,   // Par table entries
  output wire                out_tlast_o    // last beat of a frame
);

  generate
    if (Par < 1 || InW < 1 || InW > 20 || OutW < 1) begin : gen_param_error
      initial begin
        $display("sigmoid_lut: parameter error: Par >= 1, 1 <= InW <= 20 and OutW >= 1 required");
        $finish;
      end
      sigmoid_lut_error_bad_widths u_param_error ();
    end
  endgenerate

  reg [OutW-1:0] lut [0:(1 << InW) - 1];
  integer init_k;
  initial begin
    if (LutFile != "") $readmemh(LutFile, lut);
    else for (init_k = 0; init_k < (1 << InW); init_k = init_k + 1) lut[init_k] = {OutW{1'b0}};
  end

  wire adv;  // the skid buffer takes a beat (registered)
  reg  valid_q;
  reg  last_q;
  always @(posedge clk_i) begin
    if (!rst_ni) valid_q <= 1'b0;
    else if (adv) valid_q <= in_tvalid_i;
  end
  always @(posedge clk_i) begin
    if (adv) last_q <= in_tlast_i;
  end

  wire [Par*OutW-1:0] y;
  genvar i;
  generate
    for (i = 0; i < Par; i = i + 1) begin : gen_lane
      wire [InW-1:0] x = in_tdata_i[i*InW +: InW];
      wire [InW-1:0] addr;
      if (InSigned != 0) begin : gen_signed
        if (InW > 1) begin : gen_wide
          assign addr = {~x[InW-1], x[InW-2:0]};
        end else begin : gen_one_bit
          assign addr = ~x;
        end
      end else begin : gen_unsigned
        assign addr = x;
      end
      reg [OutW-1:0] y_q;
      always @(posedge clk_i) begin
        if (adv && in_tvalid_i) y_q <= lut[addr];
      end
      assign y[i*OutW +: OutW] = y_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(Par * OutW)
  ) u_out_skid (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .in_tvalid_i(valid_q),
    .in_tready_o(adv),
    .in_tdata_i (y),
    .in_tlast_i (last_q),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

  assign in_tready_o = adv;

endmodule

`default_nettype wire
