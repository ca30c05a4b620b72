// SPDX-License-Identifier: GPL-3.0-or-later
#include <errno.h>

#include "audio/tevent.h"
#include "check.h"

static void test_build_parse(void)
{
	// RFC 4733 §2.3: digit 5, end, volume 10 (-10 dBm0), duration 800 (100 ms at 8 kHz).
	struct sc_tevent ev = { .event = 5, .end = true, .volume = 10, .duration = 800 };
	uint8_t p[4];
	CHECK_EQ_INT(sc_tevent_build(&ev, p), 4);
	CHECK_EQ_INT(p[0], 0x05);
	CHECK_EQ_INT(p[1], 0x8A);
	CHECK_EQ_INT(p[2], 0x03);
	CHECK_EQ_INT(p[3], 0x20);

	struct sc_tevent back;
	CHECK_EQ_INT(sc_tevent_parse(p, 4, &back), 0);
	CHECK_EQ_INT(back.event, 5);
	CHECK(back.end);
	CHECK_EQ_INT(back.volume, 10);
	CHECK_EQ_INT(back.duration, 800);

	// The reserved bit is ignored on receipt.
	uint8_t r[4] = { 11, 0x40 | 63, 0xFF, 0xFF };
	CHECK_EQ_INT(sc_tevent_parse(r, 4, &back), 0);
	CHECK_EQ_INT(back.event, 11);
	CHECK(!back.end);
	CHECK_EQ_INT(back.volume, 63);
	CHECK_EQ_INT(back.duration, 65535);

	CHECK_EQ_INT(sc_tevent_parse(p, 3, &back), -EINVAL);
	CHECK_EQ_INT(sc_tevent_parse(p, 0, &back), -EINVAL);
	uint8_t eight[8] = { 0 };
	CHECK_EQ_INT(sc_tevent_parse(eight, 8, &back), -EINVAL);

	ev.volume = 64;
	CHECK_EQ_INT(sc_tevent_build(&ev, p), -EINVAL);

	// Every field at every value it can take survives the round trip.
	int bad = 0;
	for (unsigned e = 0; e < 256; e += 17)
		for (unsigned v = 0; v <= 63; v++)
			for (unsigned d = 0; d < 65536; d += 4099)
				for (int end = 0; end <= 1; end++) {
					struct sc_tevent a = { (uint8_t)e, end, (uint8_t)v, (uint16_t)d };
					struct sc_tevent b;
					if (sc_tevent_build(&a, p) != 4 || sc_tevent_parse(p, 4, &b) != 0 ||
					    a.event != b.event || a.end != b.end || a.volume != b.volume ||
					    a.duration != b.duration)
						bad++;
				}
	CHECK_EQ_INT(bad, 0);
}

static void test_digits(void)
{
	CHECK_EQ_INT(sc_tevent_from_digit('0'), 0);
	CHECK_EQ_INT(sc_tevent_from_digit('9'), 9);
	CHECK_EQ_INT(sc_tevent_from_digit('*'), 10);
	CHECK_EQ_INT(sc_tevent_from_digit('#'), 11);
	CHECK_EQ_INT(sc_tevent_from_digit('A'), 12);
	CHECK_EQ_INT(sc_tevent_from_digit('d'), 15);
	CHECK_EQ_INT(sc_tevent_from_digit('E'), -EINVAL);
	CHECK_EQ_INT(sc_tevent_from_digit('\0'), -EINVAL);
	CHECK_EQ_INT(sc_tevent_to_digit(11), '#');
	CHECK_EQ_INT(sc_tevent_to_digit(15), 'D');
	CHECK_EQ_INT(sc_tevent_to_digit(16), 0);
}

// A 100 ms digit sent in 20 ms packets: 5 packets (the 5th is the end), then the end twice
// more; all share the start timestamp, only the first has the marker bit.
static void test_sender(void)
{
	struct sc_tevent_tx tx;
	CHECK_EQ_INT(sc_tevent_tx_start(&tx, 1, 10, 123456, 800, 160), 0);
	uint8_t p[4];
	uint32_t ts;
	bool marker;
	int packets = 0, markers = 0, ends = 0, wrong_ts = 0;
	uint16_t durations[16] = { 0 };
	while (packets < 16 && sc_tevent_tx_next(&tx, p, &ts, &marker) == 1) {
		struct sc_tevent ev;
		CHECK_EQ_INT(sc_tevent_parse(p, 4, &ev), 0);
		durations[packets++] = ev.duration;
		markers += marker;
		ends += ev.end;
		wrong_ts += ts != 123456;
		CHECK_EQ_INT(ev.event, 1);
		CHECK_EQ_INT(ev.volume, 10);
	}
	CHECK_EQ_INT(packets, 7);
	CHECK_EQ_INT(markers, 1);
	CHECK_EQ_INT(ends, 3);
	CHECK_EQ_INT(wrong_ts, 0);
	CHECK_EQ_INT(durations[0], 160);
	CHECK_EQ_INT(durations[3], 640);
	CHECK_EQ_INT(durations[4], 800);
	CHECK_EQ_INT(durations[6], 800);
	CHECK_EQ_INT(sc_tevent_tx_next(&tx, p, &ts, &marker), 0);

	// A duration that is not a multiple of the step ends exactly on it; over-long is capped.
	CHECK_EQ_INT(sc_tevent_tx_start(&tx, 2, 0, 0, 500, 160), 0);
	struct sc_tevent last = { 0 };
	while (sc_tevent_tx_next(&tx, p, &ts, &marker) == 1)
		sc_tevent_parse(p, 4, &last);
	CHECK_EQ_INT(last.duration, 500);
	CHECK_EQ_INT(sc_tevent_tx_start(&tx, 2, 0, 0, 100000, 160), 0);
	CHECK_EQ_INT(tx.duration, 65535);
	CHECK_EQ_INT(sc_tevent_tx_start(&tx, 2, 64, 0, 800, 160), -EINVAL);
	CHECK_EQ_INT(sc_tevent_tx_start(&tx, 2, 0, 0, 800, 0), -EINVAL);
}

// The receiver reports one BEGIN and one END per digit whatever is repeated or lost.
static void test_receiver(void)
{
	struct sc_tevent_rx rx;
	sc_tevent_rx_init(&rx);
	struct sc_tevent_tx tx;
	uint8_t p[4];
	uint32_t ts;
	bool marker;
	int begins = 0, ends = 0;
	struct sc_tevent got = { 0 };
	const char *dialled = "12#";
	char heard[8] = { 0 };
	int nheard = 0;
	for (int d = 0; dialled[d]; d++) {
		sc_tevent_tx_start(&tx, (uint8_t)sc_tevent_from_digit(dialled[d]), 10, 1000u * (unsigned)d,
				   800, 160);
		while (sc_tevent_tx_next(&tx, p, &ts, &marker) == 1) {
			enum sc_tevent_rx_result res;
			// every packet twice: duplicates from the network change nothing
			for (int twice = 0; twice < 2; twice++) {
				CHECK_EQ_INT(sc_tevent_rx_put(&rx, ts, p, 4, &res, &got), 0);
				if (res == SC_TEVENT_RX_BEGIN) {
					begins++;
					heard[nheard++] = sc_tevent_to_digit(got.event);
				}
				if (res == SC_TEVENT_RX_END) {
					ends++;
					CHECK_EQ_INT(got.duration, 800);
				}
			}
		}
	}
	CHECK_EQ_INT(begins, 3);
	CHECK_EQ_INT(ends, 3);
	CHECK_STR_CONTAINS(heard, "12#");

	// Only the final packet arrived: new and ended at once, with the full duration.
	enum sc_tevent_rx_result res;
	struct sc_tevent fin = { .event = 7, .end = true, .volume = 5, .duration = 960 };
	sc_tevent_build(&fin, p);
	CHECK_EQ_INT(sc_tevent_rx_put(&rx, 90000, p, 4, &res, &got), 0);
	CHECK_EQ_INT(res, SC_TEVENT_RX_BEGIN_END);
	CHECK_EQ_INT(got.event, 7);
	CHECK_EQ_INT(got.duration, 960);
	CHECK_EQ_INT(sc_tevent_rx_put(&rx, 90000, p, 4, &res, &got), 0);
	CHECK_EQ_INT(res, SC_TEVENT_RX_NONE);

	// An older update arriving after a newer one does not shrink the duration.
	struct sc_tevent a = { .event = 3, .volume = 5, .duration = 480 };
	struct sc_tevent b = { .event = 3, .volume = 5, .duration = 320 };
	sc_tevent_build(&a, p);
	sc_tevent_rx_put(&rx, 99000, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_BEGIN);
	sc_tevent_build(&b, p);
	sc_tevent_rx_put(&rx, 99000, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_NONE);
	CHECK_EQ_INT(got.duration, 480);

	// Its end lost, then a new event (new timestamp): the new one is reported, and a late
	// update of the old one afterwards brings nothing back (RFC 4733 §2.5.2).
	struct sc_tevent c = { .event = 9, .volume = 5, .duration = 160 };
	sc_tevent_build(&c, p);
	sc_tevent_rx_put(&rx, 100600, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_BEGIN);
	CHECK_EQ_INT(got.event, 9);
	sc_tevent_build(&a, p);
	sc_tevent_rx_put(&rx, 99000, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_NONE);
	CHECK_EQ_INT(rx.ts, 100600);
	CHECK_EQ_INT(rx.current.event, 9);
	// across the 32-bit wrap of the timestamp, a later event is still later
	sc_tevent_rx_init(&rx);
	sc_tevent_build(&c, p);
	sc_tevent_rx_put(&rx, 0xFFFFFF00u, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_BEGIN);
	sc_tevent_rx_put(&rx, 0x00000200u, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_BEGIN);
	sc_tevent_rx_put(&rx, 0xFFFFFF00u, p, 4, &res, &got);
	CHECK_EQ_INT(res, SC_TEVENT_RX_NONE);

	// A malformed payload is refused and changes nothing.
	CHECK_EQ_INT(sc_tevent_rx_put(&rx, 1, p, 5, &res, &got), -EINVAL);
	CHECK_EQ_INT(rx.ts, 0x200u);
}

int main(void)
{
	test_build_parse();
	test_digits();
	test_sender();
	test_receiver();
	return check_done();
}
