// SPDX-License-Identifier: GPL-3.0-or-later
#include "provision/der.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const uint8_t pv_oid_basic_constraints[3] = { 0x55, 0x1d, 0x13 };

#define TAG_BOOLEAN 0x01
#define TAG_OID 0x06
#define TAG_SEQUENCE 0x30
#define TAG_EXTENSIONS 0xa3 // [3] EXPLICIT in TBSCertificate

struct tlv {
	uint8_t tag;
	size_t header, content; // lengths; the element spans header + content bytes
};

// Reads one element at P (AVAIL bytes). Definite lengths up to 3 bytes: a certificate is
// far below 16 MiB.
static bool read_tlv(const uint8_t *p, size_t avail, struct tlv *t)
{
	if (avail < 2)
		return false;
	t->tag = p[0];
	size_t len = p[1], header = 2;
	if (len & 0x80) {
		size_t n = len & 0x7f;
		if (n == 0 || n > 3 || avail < 2 + n)
			return false;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | p[2 + i];
		header += n;
	}
	if (len > avail - header)
		return false;
	t->header = header;
	t->content = len;
	return true;
}

static size_t header_size(size_t len)
{
	return len < 0x80 ? 2 : len <= 0xff ? 3 : len <= 0xffff ? 4 : 5;
}

static uint8_t *put_header(uint8_t *out, uint8_t tag, size_t len)
{
	*out++ = tag;
	if (len < 0x80) {
		*out++ = (uint8_t)len;
		return out;
	}
	size_t n = header_size(len) - 2;
	*out++ = (uint8_t)(0x80 | n);
	for (size_t i = n; i-- > 0;)
		*out++ = (uint8_t)(len >> (8 * i));
	return out;
}

static uint8_t *put(uint8_t *out, const uint8_t *from, size_t len)
{
	memcpy(out, from, len);
	return out + len;
}

int pv_der_make_critical(uint8_t *tbs, size_t len, size_t cap, const uint8_t *oid,
			 size_t oid_len, size_t *new_len)
{
	struct tlv outer, child, exts, ext, id;
	if (!read_tlv(tbs, len, &outer) || outer.tag != TAG_SEQUENCE || outer.header + outer.content != len)
		return -EINVAL;
	// Find [3] { SEQUENCE OF Extension } among the TBSCertificate's fields.
	size_t pos = outer.header, ext_field = 0;
	bool found_field = false;
	while (pos < len) {
		if (!read_tlv(tbs + pos, len - pos, &child))
			return -EINVAL;
		if (child.tag == TAG_EXTENSIONS) {
			ext_field = pos;
			found_field = true;
			break;
		}
		pos += child.header + child.content;
	}
	if (!found_field)
		return -ENOENT;
	size_t list = ext_field + child.header;
	if (!read_tlv(tbs + list, child.content, &exts) || exts.tag != TAG_SEQUENCE ||
	    exts.header + exts.content != child.content)
		return -EINVAL;
	// Find the extension whose first element is OID.
	size_t at = list + exts.header, end = at + exts.content, target = 0;
	bool found = false;
	while (at < end) {
		if (!read_tlv(tbs + at, end - at, &ext) || ext.tag != TAG_SEQUENCE)
			return -EINVAL;
		size_t inner = at + ext.header;
		if (!read_tlv(tbs + inner, ext.content, &id) || id.tag != TAG_OID)
			return -EINVAL;
		if (id.content == oid_len && memcmp(tbs + inner + id.header, oid, oid_len) == 0) {
			target = at;
			found = true;
			break;
		}
		at += ext.header + ext.content;
	}
	if (!found)
		return -ENOENT;
	size_t id_end = target + ext.header + id.header + id.content;
	if (id_end < target + ext.header + ext.content && tbs[id_end] == TAG_BOOLEAN) {
		*new_len = len; // already says whether it is critical
		return 0;
	}
	static const uint8_t critical[] = { TAG_BOOLEAN, 0x01, 0xff };
	// Lengths grow from the inside out: the extension, the list, [3], the TBSCertificate.
	size_t ext_len = ext.content + sizeof(critical);
	size_t list_len = exts.content + sizeof(critical) - ext.header + header_size(ext_len);
	size_t field_len = header_size(list_len) + list_len;
	size_t ext_field_end = ext_field + child.header + child.content;
	size_t body_len = (ext_field - outer.header) + header_size(field_len) + field_len + (len - ext_field_end);
	size_t total = header_size(body_len) + body_len;
	if (total > cap)
		return -ENOBUFS;
	uint8_t *out = malloc(total), *w = out;
	if (!out)
		return -ENOMEM;
	w = put_header(w, TAG_SEQUENCE, body_len);
	w = put(w, tbs + outer.header, ext_field - outer.header);
	w = put_header(w, TAG_EXTENSIONS, field_len);
	w = put_header(w, TAG_SEQUENCE, list_len);
	w = put(w, tbs + list + exts.header, target - (list + exts.header));
	w = put_header(w, TAG_SEQUENCE, ext_len);
	w = put(w, tbs + target + ext.header, id.header + id.content);
	w = put(w, critical, sizeof(critical));
	size_t rest = id_end, ext_end = target + ext.header + ext.content;
	w = put(w, tbs + rest, ext_end - rest);
	w = put(w, tbs + ext_end, ext_field_end - ext_end);
	w = put(w, tbs + ext_field_end, len - ext_field_end);
	if ((size_t)(w - out) != total) { // the lengths above disagree with what was written
		free(out);
		return -EINVAL;
	}
	memcpy(tbs, out, total);
	free(out);
	*new_len = total;
	return 0;
}
