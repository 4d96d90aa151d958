// stream_fifo: a first-in first-out queue for an AXI4-Stream style stream, with its storage in
// a RAM array (Yosys infers block RAM or LUT RAM: one synchronous write port, one synchronous
// read port whose data register is the output register).
//
// What it computes: out = in, beat for beat (data and tlast unchanged, order kept).
//
// Streams: in (input) and out (output): tvalid, tready, tdata [DataW-1:0], tlast.
//
// Capacity: Depth beats in the RAM plus one in the output register, so up to Depth + 1 beats;
// count_o says how many are held. in_tready_o and every out_* output are registers: no
// combinational path crosses the FIFO in either direction.
//
// Latency and cycle model: a beat written into an empty FIFO is presented on m two cycles later.
// One beat per cycle in and out when Depth >= 2 (Depth = 1 alternates).
//
// Parameter constraints: DataW >= 1, Depth >= 1 (any depth; powers of two map best onto RAM).
`default_nettype none

module stream_fifo #(
  parameter integer DataW = 8,  // tdata width in bits
  parameter integer Depth = 16  // RAM entries; the FIFO holds up to Depth + 1 beats
) (
  input  wire                       clk_i,       // clock, rising edge
  input  wire                       rst_ni,      // synchronous reset, active low (empties the FIFO)

  // input stream
  input  wire                       in_tvalid_i,  // input beat valid
  output wire                       in_tready_o,  // FIFO has room (registered)
  input  wire [DataW-1:0]           in_tdata_i,   // input beat
  input  wire                       in_tlast_i,   // last beat of a frame

  // output stream
  output wire                       out_tvalid_o,  // output beat valid (registered)
  input  wire                       out_tready_i,  // downstream takes the beat
  output wire [DataW-1:0]           out_tdata_o,   // output beat (registered)
  output wire                       out_tlast_o,   // last beat of a frame (registered)

  // status
  output wire [$clog2(Depth+2)-1:0] count_o      // beats held (RAM + output register)
);

  localparam integer AddrW  = (Depth > 1) ? $clog2(Depth) : 1;  // RAM address width
  localparam integer CountW = $clog2(Depth + 2);                // count_o and occupancy width

  generate
    if (DataW < 1 || Depth < 1) begin : gen_param_error
      initial begin
        $display("stream_fifo: parameter error: DataW (%0d) and Depth (%0d) must be >= 1", DataW, Depth);
        $finish;
      end
      stream_fifo_error_dataw_and_depth_must_be_positive u_param_error ();
    end
  endgenerate

  localparam integer LastAddrI = Depth - 1;                      // wrap point of the pointers
  wire [AddrW-1:0]  last_addr = LastAddrI[AddrW-1:0];
  wire [CountW-1:0] full_count = Depth[CountW-1:0];             // RAM occupancy when full

  reg [DataW:0]     mem_q [0:Depth-1];  // {tlast, tdata} per entry
  reg [AddrW-1:0]   wr_ptr_q;
  reg [AddrW-1:0]   rd_ptr_q;
  reg [CountW-1:0]  ram_count_q;        // beats in the RAM
  reg               out_valid_q;        // output register holds a beat
  reg [DataW:0]     out_q;              // output register: {tlast, tdata}

  wire wr_en = in_tvalid_i && (ram_count_q != full_count);
  // move a beat from the RAM into the output register when that register is free or emptying
  wire rd_en = (ram_count_q != {CountW{1'b0}}) && (!out_valid_q || out_tready_i);

  always @(posedge clk_i) begin
    if (wr_en) mem_q[wr_ptr_q] <= {in_tlast_i, in_tdata_i};
  end

  always @(posedge clk_i) begin
    if (rd_en) out_q <= mem_q[rd_ptr_q];
  end

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_ptr_q    <= {AddrW{1'b0}};
      rd_ptr_q    <= {AddrW{1'b0}};
      ram_count_q <= {CountW{1'b0}};
      out_valid_q <= 1'b0;
    end else begin
      if (wr_en) wr_ptr_q <= (wr_ptr_q == last_addr) ? {AddrW{1'b0}} : wr_ptr_q + 1'b1;
      if (rd_en) rd_ptr_q <= (rd_ptr_q == last_addr) ? {AddrW{1'b0}} : rd_ptr_q + 1'b1;
      if (wr_en && !rd_en)      ram_count_q <= ram_count_q + 1'b1;
      else if (!wr_en && rd_en) ram_count_q <= ram_count_q - 1'b1;
      if (rd_en)           out_valid_q <= 1'b1;
      else if (out_tready_i) out_valid_q <= 1'b0;
    end
  end

  assign in_tready_o = (ram_count_q != full_count);
  assign out_tvalid_o = out_valid_q;
  assign out_tdata_o  = out_q[DataW-1:0];
  assign out_tlast_o  = out_q[DataW];
  assign count_o    = ram_count_q + {{(CountW - 1){1'b0}}, out_valid_q};

endmodule

`default_nettype wire
