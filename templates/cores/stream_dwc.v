// stream_dwc: stream data-width converter between lane counts (FINN's StreamingDataWidthConverter).
//
// What it computes: the same sequence of lanes, regrouped. Lanes are LaneW bits, lane 0 in the
// LSBs of a beat and first in stream order.
// - Narrowing (InLanes = R * OutLanes): each input beat becomes R output beats, lanes
//   [OutLanes-1:0] first; tlast is set on the last of the R beats of a last input beat.
// - Widening (OutLanes = R * InLanes): R input beats form one output beat, the first in the LSBs;
//   tlast is the tlast of the R-th input beat.
// - Equal lane counts: a plain register slice (skid buffer).
//
// Streams: in (InLanes*LaneW bits), out (OutLanes*LaneW bits), AXI4-Stream style.
//
// Latency and cycle model: max(input beats, output beats) cycles per frame; the output goes
// through a skid buffer (one cycle of latency, no combinational ready path).
//
// Parameter constraints: LaneW >= 1; InLanes and OutLanes >= 1; one divides the other.
`default_nettype none

module stream_dwc #(
  parameter integer InLanes  = 4,  // lanes per input beat
  parameter integer OutLanes = 1,  // lanes per output beat
  parameter integer LaneW    = 8   // bits per lane
) (
  input  wire                      clk_i,         // clock, rising edge
  input  wire                      rst_ni,        // synchronous reset, active low

  // input stream
  input  wire                      in_tvalid_i,   // input beat valid
  output wire                      in_tready_o,   // input beat taken
  input  wire [InLanes*LaneW-1:0]  in_tdata_i,    // InLanes lanes
  input  wire                      in_tlast_i,    // last beat of a frame

  // output stream
  output wire                      out_tvalid_o,  // output beat valid
  input  wire                      out_tready_i,  // downstream takes the beat
  output wire [OutLanes*LaneW-1:0] out_tdata_o,   // OutLanes lanes
  output wire                      out_tlast_o    // last beat of a frame
);

  localparam integer Ratio  = (InLanes > OutLanes) ? InLanes / OutLanes : OutLanes / InLanes;
  localparam integer CntW   = (Ratio > 1) ? $clog2(Ratio) : 1;

  generate
    if (LaneW < 1 || InLanes < 1 || OutLanes < 1 || (InLanes % OutLanes != 0 && OutLanes % InLanes != 0)) begin : gen_param_error
      initial begin
        $display("stream_dwc: parameter error: InLanes (%0d) and OutLanes (%0d) must divide one another, LaneW (%0d) >= 1",
                 InLanes, OutLanes, LaneW);
        $finish;
      end
      stream_dwc_error_lanes_must_divide u_param_error ();
    end
  endgenerate

  // the beat handed to the output skid buffer
  wire                      mid_valid;
  wire                      mid_ready;
  wire [OutLanes*LaneW-1:0] mid_data;
  wire                      mid_last;

  generate
    if (InLanes == OutLanes) begin : gen_same
      assign mid_valid   = in_tvalid_i;
      assign in_tready_o = mid_ready;
      assign mid_data    = in_tdata_i;
      assign mid_last    = in_tlast_i;
    end else if (InLanes > OutLanes) begin : gen_narrow
      // hold one input beat and send it in Ratio slices
      reg                     full_q;
      reg [InLanes*LaneW-1:0] data_q;
      reg                     last_q;
      reg [CntW-1:0]          idx_q;
      wire                    slice_fire = full_q && mid_ready;
      wire                    done       = slice_fire && (idx_q == Ratio[CntW-1:0] - 1'b1);
      always @(posedge clk_i) begin
        if (!rst_ni) begin
          full_q <= 1'b0;
          idx_q  <= {CntW{1'b0}};
        end else begin
          if (slice_fire) idx_q <= done ? {CntW{1'b0}} : idx_q + 1'b1;
          if (in_tvalid_i && in_tready_o) full_q <= 1'b1;
          else if (done) full_q <= 1'b0;
        end
      end
      always @(posedge clk_i) begin
        if (in_tvalid_i && in_tready_o) begin
          data_q <= in_tdata_i;
          last_q <= in_tlast_i;
        end
      end
      assign in_tready_o = !full_q || done;
      assign mid_valid   = full_q;
      assign mid_data    = data_q[idx_q*OutLanes*LaneW +: OutLanes*LaneW];
      assign mid_last    = last_q && (idx_q == Ratio[CntW-1:0] - 1'b1);
    end else begin : gen_widen
      // collect Ratio input beats, then present them as one
      reg [OutLanes*LaneW-1:0] data_q;
      reg                      last_q;
      reg [CntW-1:0]           idx_q;
      reg                      full_q;
      wire                     in_fire = in_tvalid_i && in_tready_o;
      always @(posedge clk_i) begin
        if (!rst_ni) begin
          idx_q  <= {CntW{1'b0}};
          full_q <= 1'b0;
        end else begin
          if (full_q && mid_ready) full_q <= 1'b0;
          if (in_fire) begin
            idx_q <= (idx_q == Ratio[CntW-1:0] - 1'b1) ? {CntW{1'b0}} : idx_q + 1'b1;
            if (idx_q == Ratio[CntW-1:0] - 1'b1) full_q <= 1'b1;
          end
        end
      end
      always @(posedge clk_i) begin
        if (in_fire) begin
          data_q[idx_q*InLanes*LaneW +: InLanes*LaneW] <= in_tdata_i;
          last_q <= in_tlast_i;
        end
      end
      // a new group may start while the finished one is being taken
      assign in_tready_o = !full_q || mid_ready;
      assign mid_valid   = full_q;
      assign mid_data    = data_q;
      assign mid_last    = last_q;
    end
  endgenerate

  skid_buffer #(
    .DataW(OutLanes * LaneW)
  ) u_out_skid (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .in_tvalid_i (mid_valid),
    .in_tready_o (mid_ready),
    .in_tdata_i  (mid_data),
    .in_tlast_i  (mid_last),
    .out_tvalid_o(out_tvalid_o),
    .out_tready_i(out_tready_i),
    .out_tdata_o (out_tdata_o),
    .out_tlast_o (out_tlast_o)
  );

endmodule

`default_nettype wire
