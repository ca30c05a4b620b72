// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static unsigned width(int family)
{
	return family == AF_INET ? 32 : 128;
}

uint64_t pv_subnet_usable(const struct sc_prefix *subnet)
{
	unsigned host_bits = width(subnet->family) - subnet->prefix_len;
	if (host_bits >= 32)
		return UINT64_C(1) << 32;
	uint64_t total = UINT64_C(1) << host_bits;
	// IPv4 loses the network and broadcast addresses, IPv6 the subnet-router anycast one.
	uint64_t lost = subnet->family == AF_INET ? 2 : 1;
	return total > lost ? total - lost : 0;
}

unsigned pv_prefix_for(int family, uint64_t need)
{
	for (unsigned len = width(family); len > 0; len--) {
		struct sc_prefix p = { .family = family, .prefix_len = (uint8_t)len };
		if (pv_subnet_usable(&p) >= need)
			return len;
	}
	return 1;
}

bool pv_addr_equal(const struct sc_prefix *a, const struct sc_prefix *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, width(a->family) / 8) == 0;
}

static bool host_bits_all(const struct sc_prefix *subnet, const struct sc_prefix *addr, bool ones)
{
	unsigned w = width(subnet->family);
	for (unsigned bit = subnet->prefix_len; bit < w; bit++) {
		bool set = addr->addr[bit / 8] & (0x80 >> (bit % 8));
		if (set != ones)
			return false;
	}
	return true;
}

bool pv_addr_usable(const struct sc_prefix *subnet, const struct sc_prefix *addr)
{
	if (!sc_prefix_contains(subnet, addr->family, addr->addr))
		return false;
	if (host_bits_all(subnet, addr, false))
		return false;
	return !(subnet->family == AF_INET && host_bits_all(subnet, addr, true));
}

void pv_addr_at(const struct sc_prefix *subnet, uint64_t offset, struct sc_prefix *out)
{
	*out = *subnet;
	unsigned bytes = width(subnet->family) / 8;
	out->prefix_len = (uint8_t)width(subnet->family);
	// Add OFFSET to the network address; the caller keeps it below the subnet's size.
	unsigned carry = 0;
	for (unsigned i = bytes; i-- > 0;) {
		unsigned sum = out->addr[i] + (unsigned)(offset & 0xff) + carry;
		out->addr[i] = (uint8_t)sum;
		carry = sum >> 8;
		offset >>= 8;
	}
}

uint64_t pv_addr_offset(const struct sc_prefix *subnet, const struct sc_prefix *addr)
{
	unsigned bytes = width(subnet->family) / 8;
	struct sc_prefix host = *addr;
	// Clear the network bits, then read what is left as a number.
	for (unsigned bit = 0; bit < subnet->prefix_len; bit++)
		host.addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (v >> 56)
			return UINT64_MAX;
		v = v << 8 | host.addr[i];
	}
	return v;
}

void pv_addr_last(const struct sc_prefix *subnet, struct sc_prefix *out)
{
	*out = *subnet;
	unsigned w = width(subnet->family);
	out->prefix_len = (uint8_t)w;
	for (unsigned bit = subnet->prefix_len; bit < w; bit++)
		out->addr[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	if (subnet->family == AF_INET)
		out->addr[3]--; // below the broadcast address; host bits are all ones, so no borrow
}

const char *pv_addr_format(const struct sc_prefix *addr, char *buf, size_t len)
{
	if (!inet_ntop(addr->family, addr->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
