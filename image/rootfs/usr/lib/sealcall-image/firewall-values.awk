# SPDX-License-Identifier: GPL-3.0-or-later
# Reads the values the firewall depends on from a sealcall policy and prints them as KEY=VALUE
# lines: tunnel.interface, tunnel.listen_port, sip.port, media.rtp_port_min, media.rtp_port_max,
# with the policy's own defaults for keys it leaves out.
#   awk -f firewall-values.awk POLICY
# It reads policies that `sealcalld --check-config` accepted (libyaml refuses anchors, aliases,
# tags and second documents there), written in block style as `sealcall provision` writes
# them. Whatever it cannot read with certainty (a section or one of these values in flow
# style, on a continuation line, or given twice) is an error naming the line, never a guess:
# a wrong port in the firewall would cut the appliance off.
# POSIX awk only: the image has mawk.

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

# The line without its comment: '#' at the start or after a blank, outside quotes.
function strip_comment(s,    i, c, q, prev) {
	q = ""
	prev = " "
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q != "") {
			if (c == q)
				q = ""
		} else if (c == "\"" || c == "'") {
			q = c
		} else if (c == "#" && (prev == " " || prev == "\t")) {
			return substr(s, 1, i - 1)
		}
		prev = c
	}
	return s
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# A scalar without its quotes. Escapes are not needed for names and numbers: refused.
function unquote(s, what,    q, inner) {
	q = substr(s, 1, 1)
	if (q != "\"" && q != "'")
		return s
	if (length(s) < 2 || substr(s, length(s), 1) != q)
		fail(what ": the quoted value does not end on this line")
	inner = substr(s, 2, length(s) - 2)
	if (q == "\"" && index(inner, "\\"))
		fail(what ": escapes in a quoted value are not read here; write the value plainly")
	if (q == "'")
		gsub(/''/, "'", inner)
	return inner
}

# Splits "key: value" into KEY and VAL (globals); 0 when the text is no mapping entry.
function split_entry(s,    q, end, rest) {
	q = substr(s, 1, 1)
	if (q == "\"" || q == "'") {
		end = index(substr(s, 2), q)
		if (end == 0)
			return 0
		KEY = substr(s, 2, end - 1)
		rest = trim(substr(s, end + 2))
		if (substr(rest, 1, 1) != ":")
			return 0
		VAL = trim(substr(rest, 2))
		return 1
	}
	# A plain key ends at the first ':' followed by a blank or the end of the line.
	if (match(s, /:[ \t]/))
		end = RSTART
	else if (substr(s, length(s), 1) == ":")
		end = length(s)
	else
		return 0
	KEY = trim(substr(s, 1, end - 1))
	VAL = trim(substr(s, end + 1))
	return 1
}

BEGIN {
	default_value["tunnel.interface"] = "sc0"
	default_value["tunnel.listen_port"] = "51820"
	default_value["sip.port"] = "5061"
	default_value["media.rtp_port_min"] = "16384"
	default_value["media.rtp_port_max"] = "16583"
	order = "tunnel.interface tunnel.listen_port sip.port media.rtp_port_min media.rtp_port_max"
	section_wanted["tunnel"] = 1
	section_wanted["sip"] = 1
	section_wanted["media"] = 1
	section = ""
}

{
	line = $0
	sub(/\r$/, "", line)
	if (FNR == 1)
		sub(/^\357\273\277/, "", line) # a byte order mark from a Windows editor
	if (line ~ /^(---|\.\.\.)([ \t]|$)/ || line ~ /^%/)
		next
	line = strip_comment(line)
	if (line ~ /^[ \t]*$/)
		next
	match(line, /^ */)
	indent = RLENGTH
	rest = substr(line, indent + 1)
	sub(/[ \t]+$/, "", rest)

	if (indent == 0) {
		section = ""
		child_indent = -1
		if (!split_entry(rest))
			next
		if (KEY in section_wanted) {
			if (KEY in section_seen)
				fail(KEY ": the section is given twice")
			section_seen[KEY] = 1
			if (VAL != "")
				fail(KEY ": the section is written on one line ('" VAL "'); write it as an indented block, as sealcall provision does")
			section = KEY
		}
		next
	}
	if (section == "")
		next
	if (child_indent < 0)
		child_indent = indent
	# Deeper lines belong to nested values (peers, zrtp); a "- " at this indent is an item of
	# a nested list written without extra indent.
	if (indent != child_indent || rest ~ /^-([ \t]|$)/)
		next
	if (!split_entry(rest))
		next
	name = section "." KEY
	if (!(name in default_value))
		next
	if (name in value)
		fail(name ": given twice")
	if (VAL == "")
		fail(name ": the value is not on the key's line; write '" KEY ": VALUE'")
	value[name] = unquote(VAL, name)
}

END {
	if (failed)
		exit 1
	n = split(order, names, " ")
	for (i = 1; i <= n; i++) {
		name = names[i]
		print name "=" ((name in value) ? value[name] : default_value[name])
	}
}
