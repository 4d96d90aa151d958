// maxpool: k x k max pool with stride s and padding p on a feature-map stream (BNext-18 stem:
// 3x3, stride 2, padding 1).
//
// What it computes (src/ref/ops/maxpool.ts, both interpretations): out[c][oy][ox] = max of
// x[c][iy][ix] over the window rows oy*Stride - Pad .. + Kernel-1 and columns likewise, clipped
// to the map (padding never wins); Hout = floor((Height + 2*Pad - Kernel) / Stride) + 1, Wout
// likewise. Codes compare as signed (InSigned = 1) or unsigned integers, which keeps the order
// of the real values.
//
// How: a row pass (pool_line over the columns of every row, Items = Channels/Par) and a column
// pass (pool_line over the rows, one position = one pooled row of Wout*Channels/Par beats); the
// column pass keeps Kernel-1 pooled rows in line memories.
//
// Streams: in and out, InW-bit codes, Par lanes per beat, a pixel's channels in Channels/Par
// beats (beat b carries channels b*Par ..), pixels row-major; out tlast on the last beat of the
// pooled frame (in tlast is not needed: the frame size is fixed).
//
// Parameter constraints: those of pool_line.v (2 <= Kernel <= 2*Stride, Pad < Stride).
//
// Latency and cycle model: one input beat per cycle (src/ir/ops: the input beats); two pool_line
// passes in series, each 2 register stages plus a skid buffer.
`default_nettype none

module maxpool #(
  parameter integer Par      = 1,   // lanes per beat; divides Channels
  parameter integer Channels = 4,   // channels C
  parameter integer Height   = 4,   // input rows H
  parameter integer Width    = 4,   // input columns W
  parameter integer InW      = 16,  // code width
  parameter integer InSigned = 1,   // 1: two's complement codes; 0: unsigned
  parameter integer Kernel   = 3,   // window size
  parameter integer Stride   = 2,   // window step
  parameter integer Pad      = 1    // padding on every side
) (
  input  wire               clk_i,         // clock, rising edge
  input  wire               rst_ni,        // synchronous reset, active low

  // input stream
  input  wire               in_tvalid_i,   // input beat valid
  output wire               in_tready_o,   // core accepts the beat (registered)
  input  wire [Par*InW-1:0] in_tdata_i,    // Par input codes
  input  wire               in_tlast_i,    // last beat of a frame (not needed)

  // output stream
  output wire               out_tvalid_o,  // output beat valid (registered)
  input  wire               out_tready_i,  // downstream takes the beat
  output wire [Par*InW-1:0] out_tdata_o,   // Par pooled codes
  output wire               out_tlast_o    // last beat of the pooled frame
);

  generate
    if (Par < 1 || Channels % Par != 0) begin : gen_param_error
      initial begin
        $display("maxpool: parameter error: Par (%0d) must divide Channels (%0d)", Par, Channels);
        $finish;
      end
      maxpool_error_par_must_divide_channels u_param_error ();
    end
  endgenerate

  localparam integer NB   = Channels / Par;                                // beats per pixel
  localparam integer Wout = (Width + 2 * Pad - Kernel) / Stride + 1;       // pooled columns

  // row pass -> column pass
  wire               row_tvalid;
  wire               row_tready;
  wire [Par*InW-1:0] row_tdata;
  wire               row_tlast;

  pool_line #(
    .Par      (Par),
    .InW      (InW),
    .InSigned (InSigned),
    .OutW     (InW),
    .Op       (0),
    .Kernel   (Kernel),
    .Stride   (Stride),
    .Pad      (Pad),
    .Items    (NB),
    .Positions(Width),
    .Seqs     (Height)
  ) u_rows (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_tvalid_i (in_tvalid_i),
    .in_tready_o (in_tready_o),
    .in_tdata_i  (in_tdata_i),
    .in_tlast_i  (in_tlast_i),
    .out_tvalid_o(row_tvalid),
    .out_tready_i(row_tready),
    .out_tdata_o (row_tdata),
    .out_tlast_o (row_tlast)
  );

  pool_line #(
    .Par      (Par),
    .InW      (InW),
    .InSigned (InSigned),
    .OutW     (InW),
    .Op       (0),
    .Kernel   (Kernel),
    .Stride   (Stride),
    .Pad      (Pad),
    .Items    (Wout * NB),
    .Positions(Height),
    .Seqs     (1)
  ) u_cols (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_tvalid_i (row_tvalid),
    .in_tready_o (row_tready),
    .in_tdata_i  (row_tdata),
    .in_tlast_i  (row_tlast),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

endmodule

`default_nettype wire
