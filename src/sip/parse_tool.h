// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall sip-parse`: reads one SIP message from standard input, as one datagram, and
// prints what the parser understood. Exit 0 when well formed (whatever a UA would then
// answer), 1 when it must be answered 400 (or 513) or dropped, 2 on a usage error.
#ifndef SC_SIP_PARSE_TOOL_H
#define SC_SIP_PARSE_TOOL_H

int sc_sip_parse_main(int argc, char **argv);

#endif
