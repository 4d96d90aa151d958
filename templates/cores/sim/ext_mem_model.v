// ext_mem_model: SIMULATION ONLY (not synthesizable, never in a synthesis file list). A
// behavioural memory behind one fifo_ext memory port, with a run-time latency and random
// back-pressure, used by the generated `<top>_sim` wrapper so that designs with external map
// buffers simulate end to end.
//
// Behaviour: a write request is taken when wr_ready_o is high; the word is stored at once and
// wr_done_o pulses latency_i cycles later (in order). A read request is taken when rd_ready_o is
// high; the word read at that moment is presented on rsp_* latency_i cycles later (in order,
// held until rsp_ready_i). Up to Slots requests of each kind are outstanding. Each cycle a request
// channel is not ready with probability stall_permille_i / 1000 (a 32-bit LFSR, seeded by Seed).
// An address outside [Base, Base + Words*WordBytes) or not a multiple of WordBytes stops the
// simulation with a message.
//
// Parameter constraints: MemW >= 1, Words >= 1, WordBytes >= 1, Slots >= 2, Seed != 0.
`default_nettype none

module ext_mem_model #(
  parameter integer     MemW      = 16,  // word width in bits (8*WordBytes)
  parameter integer     WordBytes = 2,   // bytes per word
  parameter integer     AddrW     = 32,  // byte address width
  parameter [AddrW-1:0] Base      = 0,   // byte address of the region
  parameter integer     Words     = 64,  // words in the region
  parameter integer     Slots     = 64,  // outstanding requests per channel
  parameter integer     Seed      = 1    // LFSR seed of the back-pressure pattern (non-zero)
) (
  input  wire               clk_i,             // clock, rising edge
  input  wire               rst_ni,            // synchronous reset, active low
  input  wire [15:0]        latency_i,         // cycles from a request to its done / response (>= 1)
  input  wire [9:0]         stall_permille_i,  // probability per cycle of a not-ready request channel

  input  wire               wr_valid_i,        // write request valid
  output wire               wr_ready_o,        // write request taken
  input  wire [AddrW-1:0]   wr_addr_i,         // byte address
  input  wire [MemW-1:0]    wr_data_i,         // word
  output wire               wr_done_o,         // a write completed (in order)

  input  wire               rd_valid_i,        // read request valid
  output wire               rd_ready_o,        // read request taken
  input  wire [AddrW-1:0]   rd_addr_i,         // byte address
  output wire               rsp_valid_o,       // read data valid
  input  wire               rsp_ready_i,       // read data taken
  output wire [MemW-1:0]    rsp_data_o         // read data
);

  localparam integer SlotW = $clog2(Slots);
  localparam integer CntW  = $clog2(Slots + 1);

  reg [MemW-1:0]  mem_q [0:Words-1];
  reg [63:0]      now_q;
  reg [31:0]      lfsr_q;
  reg [63:0]      wdue_q [0:Slots-1];  // write done times, in order
  reg [63:0]      rdue_q [0:Slots-1];  // read response times, in order
  reg [MemW-1:0]  rdata_q [0:Slots-1];
  reg [SlotW-1:0] wput_q, wget_q, rput_q, rget_q;
  reg [CntW-1:0]  wcnt_q, rcnt_q;

  wire [63:0] lat     = (latency_i == 16'd0) ? 64'd1 : {48'd0, latency_i};
  wire        wstall  = ({22'd0, lfsr_q[9:0]} % 32'd1000) < {22'd0, stall_permille_i};
  wire        rstall  = ({22'd0, lfsr_q[25:16]} % 32'd1000) < {22'd0, stall_permille_i};
  localparam integer SlotsI = Slots;
  wire [CntW-1:0] slots = SlotsI[CntW-1:0];

  assign wr_ready_o  = !wstall && (wcnt_q != slots);
  assign rd_ready_o  = !rstall && (rcnt_q != slots);
  assign wr_done_o   = (wcnt_q != {CntW{1'b0}}) && (wdue_q[wget_q] <= now_q);
  assign rsp_valid_o = (rcnt_q != {CntW{1'b0}}) && (rdue_q[rget_q] <= now_q);
  assign rsp_data_o  = rdata_q[rget_q];

  wire wr_fire  = wr_valid_i && wr_ready_o;
  wire rd_fire  = rd_valid_i && rd_ready_o;
  wire rsp_fire = rsp_valid_o && rsp_ready_i;

  function automatic integer index_of(input [AddrW-1:0] addr, input integer is_write);
    reg [AddrW-1:0] off;
    begin
      off = addr - Base;
      // an address below Base wraps to a large offset
      if ((off % WordBytes) != 0 || off / WordBytes >= Words) begin
        $display("ext_mem_model %m: %0s address %0h outside the region [%0h, +%0d words of %0d bytes)",
                 (is_write != 0) ? "write" : "read", addr, Base, Words, WordBytes);
        $stop;
      end
      index_of = off / WordBytes;
    end
  endfunction

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      now_q  <= 64'd0;
      lfsr_q <= Seed;
      wput_q <= {SlotW{1'b0}};
      wget_q <= {SlotW{1'b0}};
      rput_q <= {SlotW{1'b0}};
      rget_q <= {SlotW{1'b0}};
      wcnt_q <= {CntW{1'b0}};
      rcnt_q <= {CntW{1'b0}};
    end else begin
      now_q  <= now_q + 64'd1;
      lfsr_q <= {lfsr_q[30:0], 1'b0} ^ (lfsr_q[31] ? 32'h04C11DB7 : 32'h0);
      if (wr_fire) begin
        mem_q[index_of(wr_addr_i, 1)] <= wr_data_i;
        wdue_q[wput_q] <= now_q + lat;
        wput_q <= wput_q + 1'b1;
      end
      if (wr_done_o) wget_q <= wget_q + 1'b1;
      if (wr_fire && !wr_done_o) wcnt_q <= wcnt_q + 1'b1;
      else if (!wr_fire && wr_done_o) wcnt_q <= wcnt_q - 1'b1;
      if (rd_fire) begin
        rdata_q[rput_q] <= mem_q[index_of(rd_addr_i, 0)];
        rdue_q[rput_q] <= now_q + lat;
        rput_q <= rput_q + 1'b1;
      end
      if (rsp_fire) rget_q <= rget_q + 1'b1;
      if (rd_fire && !rsp_fire) rcnt_q <= rcnt_q + 1'b1;
      else if (!rd_fire && rsp_fire) rcnt_q <= rcnt_q - 1'b1;
    end
  end

endmodule

`default_nettype wire
