// SPDX-License-Identifier: GPL-3.0-or-later
// Address allocation: lowest free first, explicit addresses win, what an earlier run gave is
// kept (also when sites are added before it in the file), and the record round-trips.
#include <arpa/inet.h>

#include "provision/addr.h"
#include "provision/alloc.h"
#include "pv_test.h"

static const char *addr_text(const struct sc_prefix *p, char *buf)
{
	return pv_addr_format(p, buf, 64);
}

static void allocate(const char *text, const struct pv_assignments *prev, struct sc_sites **out,
		     struct sc_prefix *addrs, struct sc_prefix *hub)
{
	*out = sites_ok(text);
	if (*out)
		CHECK_EQ_INT(pv_allocate(*out, prev, addrs, hub), 0);
}

static void test_lowest_free_and_explicit(void)
{
	struct sc_sites *s;
	struct sc_prefix a[8], hub;
	struct pv_assignments none = { 0 };
	char buf[64];
	allocate("sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n  - {name: b, endpoint: 192.0.2.2:1, address: 10.77.0.2}\n"
		 "  - {name: c, endpoint: 192.0.2.3:1}\n  - {name: d, endpoint: 192.0.2.4:1}\n",
		 &none, &s, a, &hub);
	if (!s)
		return;
	CHECK(strcmp(addr_text(&a[0], buf), "10.77.0.1") == 0);
	CHECK(strcmp(addr_text(&a[1], buf), "10.77.0.2") == 0);
	CHECK(strcmp(addr_text(&a[2], buf), "10.77.0.3") == 0); // skips b's explicit .2
	CHECK(strcmp(addr_text(&a[3], buf), "10.77.0.4") == 0);
	CHECK_EQ_INT(a[0].prefix_len, 32);
	sc_sites_free(s);
}

static void test_hub_address(void)
{
	struct sc_sites *s;
	struct sc_prefix a[4], hub;
	struct pv_assignments none = { 0 };
	char buf[64];
	allocate("topology: hub\nhub: {endpoint: 192.0.2.9:1}\nsites:\n  - {name: a}\n  - {name: b}\n", &none, &s, a, &hub);
	if (!s)
		return;
	CHECK(strcmp(addr_text(&hub, buf), "10.77.0.254") == 0); // the last usable: below broadcast
	CHECK(strcmp(addr_text(&a[0], buf), "10.77.0.1") == 0);
	sc_sites_free(s);
	allocate("topology: hub\ntunnel_subnet: 10.8.0.0/16\nhub: {endpoint: 192.0.2.9:1, address: 10.8.0.1}\n"
		 "sites:\n  - {name: a}\n  - {name: b}\n", &none, &s, a, &hub);
	if (!s)
		return;
	CHECK(strcmp(addr_text(&hub, buf), "10.8.0.1") == 0);
	CHECK(strcmp(addr_text(&a[0], buf), "10.8.0.2") == 0); // the hub's explicit address is taken
	CHECK(strcmp(addr_text(&a[1], buf), "10.8.0.3") == 0);
	sc_sites_free(s);
	allocate("topology: hub\ntunnel_subnet: fd77::/64\nhub: {endpoint: 192.0.2.9:1}\nsites:\n  - {name: a}\n  - {name: b}\n",
		 &none, &s, a, &hub);
	if (!s)
		return;
	CHECK(strcmp(addr_text(&hub, buf), "fd77::ffff:ffff:ffff:ffff") == 0);
	CHECK(strcmp(addr_text(&a[1], buf), "fd77::2") == 0);
	CHECK_EQ_INT(a[1].prefix_len, 128);
	sc_sites_free(s);
}

static void test_stable_across_runs(void)
{
	struct sc_sites *s;
	struct sc_prefix a[8], hub;
	struct pv_assignments none = { 0 };
	char buf[64];
	// First run: a .1, b .2, c .3. The record says so.
	allocate("sites:\n  - {name: a, endpoint: 192.0.2.1:1}\n  - {name: b, endpoint: 192.0.2.2:1}\n"
		 "  - {name: c, endpoint: 192.0.2.3:1}\n", &none, &s, a, &hub);
	if (!s)
		return;
	struct pv_text record;
	pv_text_init(&record, false);
	pv_assignments_format(s, a, &record);
	CHECK_STR_CONTAINS(record.data, "\na 10.77.0.1\nb 10.77.0.2\nc 10.77.0.3\n");
	sc_sites_free(s);
	char dir[PATH_MAX], path[PATH_MAX + 16];
	scratch_make(dir, sizeof(dir), "alloc");
	snprintf(path, sizeof(path), "%s/addresses", dir);
	write_text(path, record.data);
	pv_text_free(&record);
	struct pv_assignments prev;
	CHECK_EQ_INT(pv_assignments_load(path, &prev), 0);
	CHECK_EQ_INT(prev.count, 3);

	// Second run: a new site first in the file, b gone, c reordered: a and c keep theirs, the
	// new one takes the lowest free (b's old .2 is free again).
	allocate("sites:\n  - {name: z, endpoint: 192.0.2.9:1}\n  - {name: c, endpoint: 192.0.2.3:1}\n"
		 "  - {name: a, endpoint: 192.0.2.1:1}\n", &prev, &s, a, &hub);
	if (s) {
		CHECK(strcmp(addr_text(&a[0], buf), "10.77.0.2") == 0);
		CHECK(strcmp(addr_text(&a[1], buf), "10.77.0.3") == 0);
		CHECK(strcmp(addr_text(&a[2], buf), "10.77.0.1") == 0);
	}
	sc_sites_free(s);

	// An explicit address now takes a's: a moves (with a warning), c stays.
	allocate("sites:\n  - {name: n, endpoint: 192.0.2.9:1, address: 10.77.0.1}\n  - {name: c, endpoint: 192.0.2.3:1}\n"
		 "  - {name: a, endpoint: 192.0.2.1:1}\n", &prev, &s, a, &hub);
	if (s) {
		CHECK(strcmp(addr_text(&a[0], buf), "10.77.0.1") == 0);
		CHECK(strcmp(addr_text(&a[1], buf), "10.77.0.3") == 0);
		CHECK(strcmp(addr_text(&a[2], buf), "10.77.0.2") == 0);
	}
	sc_sites_free(s);

	// A new, smaller subnet: previous addresses outside it are given again.
	allocate("tunnel_subnet: 10.99.0.0/29\nsites:\n  - {name: c, endpoint: 192.0.2.3:1}\n  - {name: a, endpoint: 192.0.2.1:1}\n",
		 &prev, &s, a, &hub);
	if (s) {
		CHECK(strcmp(addr_text(&a[0], buf), "10.99.0.1") == 0);
		CHECK(strcmp(addr_text(&a[1], buf), "10.99.0.2") == 0);
	}
	sc_sites_free(s);
	pv_assignments_free(&prev);

	// A damaged record: bad lines are skipped, the good ones kept; a missing one is empty.
	write_text(path, "# comment\na 10.77.0.9\nthis is not a line\nb 10.77.0.0/24\n\nc fd77::3\n");
	CHECK_EQ_INT(pv_assignments_load(path, &prev), 0);
	CHECK_EQ_INT(prev.count, 2);
	CHECK(strcmp(prev.items[0].name, "a") == 0);
	CHECK(strcmp(prev.items[1].name, "c") == 0);
	pv_assignments_free(&prev);
	unlink(path);
	CHECK_EQ_INT(pv_assignments_load(path, &prev), 0);
	CHECK_EQ_INT(prev.count, 0);
	scratch_remove(dir);
}

static void test_address_arithmetic(void)
{
	struct sc_prefix net, p;
	char buf[64];
	CHECK(inet_pton(AF_INET, "10.1.0.0", net.addr) == 1);
	net.family = AF_INET;
	net.prefix_len = 22;
	CHECK_EQ_INT(pv_subnet_usable(&net), 1022);
	pv_addr_at(&net, 300, &p);
	CHECK(strcmp(addr_text(&p, buf), "10.1.1.44") == 0);
	CHECK_EQ_INT(pv_addr_offset(&net, &p), 300);
	CHECK(pv_addr_usable(&net, &p));
	pv_addr_last(&net, &p);
	CHECK(strcmp(addr_text(&p, buf), "10.1.3.254") == 0);
	pv_addr_at(&net, 1023, &p); // broadcast
	CHECK(!pv_addr_usable(&net, &p));
	pv_addr_at(&net, 0, &p);
	CHECK(!pv_addr_usable(&net, &p));
	CHECK_EQ_INT(pv_prefix_for(AF_INET, 254), 24);
	CHECK_EQ_INT(pv_prefix_for(AF_INET, 255), 23);
	CHECK_EQ_INT(pv_prefix_for(AF_INET6, 1025), 117);
}

int main(void)
{
	test_lowest_free_and_explicit();
	test_hub_address();
	test_stable_across_runs();
	test_address_arithmetic();
	return check_done();
}
