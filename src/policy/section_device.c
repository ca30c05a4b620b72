// SPDX-License-Identifier: GPL-3.0-or-later
// rules: and audio: — what calls are allowed, and the headset that makes them.
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "policy/evdev_keys.h"
#include "policy/paths.h"
#include "policy/sections.h"

bool section_rules(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "require_tunnel", false, NULL },         { "require_verified_sas", false, NULL },
		{ "on_cache_mismatch", false, NULL },      { "accept_unknown_callers", false, NULL },
		{ "auto_answer", false, NULL },
	};
	static const char *const mismatch[] = { "hangup", "warn" };
	struct sc_rules *r = &p->rules;
	const struct pt_node *v;
	size_t before = pc_error_count(c);
	if (!pc_map(c, node, "rules", keys, PC_COUNT(keys)))
		return false;
	if ((v = pc_get(node, "require_tunnel")))
		pc_bool(c, v, "rules.require_tunnel", &r->require_tunnel);
	if ((v = pc_get(node, "require_verified_sas")))
		pc_bool(c, v, "rules.require_verified_sas", &r->require_verified_sas);
	int choice;
	if ((v = pc_get(node, "on_cache_mismatch")) &&
	    (choice = pc_enum(c, v, "rules.on_cache_mismatch", mismatch, PC_COUNT(mismatch))) >= 0)
		r->on_cache_mismatch = choice == 0 ? SC_MISMATCH_HANGUP : SC_MISMATCH_WARN;
	if ((v = pc_get(node, "accept_unknown_callers")))
		pc_bool(c, v, "rules.accept_unknown_callers", &r->accept_unknown_callers);
	if ((v = pc_get(node, "auto_answer")))
		pc_bool(c, v, "rules.auto_answer", &r->auto_answer);
	return pc_error_count(c) == before;
}

static bool read_key_list(struct pc_ctx *c, const struct pt_node *node, const char *path,
			  size_t min, uint16_t *codes, size_t *count)
{
	if (!pc_seq(c, node, path, min, SC_MAX_LIST, "key names"))
		return false;
	uint16_t found[SC_MAX_LIST];
	size_t n = 0;
	bool ok = true;
	for (size_t i = 0; i < node->n_items; i++) {
		char at[PC_PATH_LEN];
		pc_path_index(at, path, i);
		const char *name = pc_scalar(c, node->items[i], at);
		if (!name) {
			ok = false;
			continue;
		}
		int code = evdev_key_code(name);
		if (code < 0) {
			const char *names[96];
			size_t n_names = 0;
			for (size_t k = 0; k < evdev_key_count() && n_names < PC_COUNT(names); k++)
				names[n_names++] = evdev_key_name_at(k);
			const char *close = pc_did_you_mean(name, names, n_names);
			if (close)
				pc_error(c, node->items[i], at, "unknown key name '%.40s'; did you mean %s?", name, close);
			else
				pc_error(c, node->items[i], at,
					 "unknown key name '%.40s'; use an evdev name as 'evtest' prints it, e.g. KEY_PLAYPAUSE, KEY_PHONE, KEY_MICMUTE or BTN_0 (docs/policy.md lists them)",
					 name);
			ok = false;
			continue;
		}
		found[n++] = (uint16_t)code;
	}
	if (!ok)
		return false;
	memcpy(codes, found, n * sizeof(found[0]));
	*count = n;
	return true;
}

static void read_buttons(struct pc_ctx *c, const struct pt_node *node, struct sc_buttons *b)
{
	static const struct pc_key keys[] = {
		{ "call", false, NULL }, { "mute", false, NULL }, { "long_press_ms", false, NULL },
	};
	const struct pt_node *v;
	uint32_t n;
	if (!pc_map(c, node, "audio.buttons", keys, PC_COUNT(keys)))
		return;
	bool call_ok = true, mute_ok = true;
	if ((v = pc_get(node, "call")))
		call_ok = read_key_list(c, v, "audio.buttons.call", 1, b->call, &b->n_call);
	// An empty mute list is allowed: some headsets mute in hardware.
	if ((v = pc_get(node, "mute")))
		mute_ok = read_key_list(c, v, "audio.buttons.mute", 0, b->mute, &b->n_mute);
	if ((v = pc_get(node, "long_press_ms")) &&
	    pc_u32(c, v, "audio.buttons.long_press_ms", 300, 10000, &n))
		b->long_press_ms = n;
	if (!call_ok || !mute_ok)
		return;
	for (size_t i = 0; i < b->n_mute; i++) {
		for (size_t k = 0; k < b->n_call; k++) {
			if (b->mute[i] != b->call[k])
				continue;
			char at[PC_PATH_LEN];
			pc_path_index(at, "audio.buttons.mute", i);
			const struct pt_node *mute = pc_get(node, "mute");
			pc_error(c, mute ? mute->items[i] : node, at,
				 "%s is bound to both call and mute; a button does one thing, remove it from one list",
				 sc_policy_key_name(b->mute[i]));
		}
	}
}

static bool valid_alsa_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || strchr("_-.:,=", ch);
		if (!ok)
			return false;
	}
	return true;
}

bool section_audio(struct pc_ctx *c, const struct pt_node *node, struct sc_policy *p)
{
	static const struct pc_key keys[] = {
		{ "device", false, NULL },    { "input_device", false, NULL },
		{ "on_unplug", false, NULL }, { "volume", false, NULL },
		{ "buttons", false, NULL },
	};
	static const char *const unplug[] = { "continue", "hangup" };
	struct sc_audio *a = &p->audio;
	const struct pt_node *v;
	const char *text;
	uint32_t n;
	size_t before = pc_error_count(c);
	if (!pc_map(c, node, "audio", keys, PC_COUNT(keys)))
		return false;
	if ((v = pc_get(node, "device")) && (text = pc_scalar(c, v, "audio.device"))) {
		if (!valid_alsa_name(text) || strlen(text) >= sizeof(a->device))
			pc_error(c, v, "audio.device",
				 "'%.40s' is not an ALSA device name; write auto, a card name from 'aplay -l' (e.g. Headset) or a device such as plughw:CARD=Headset",
				 text);
		else
			sc_strcpy(a->device, sizeof(a->device), text);
	}
	if ((v = pc_get(node, "input_device")) && (text = pc_scalar(c, v, "audio.input_device"))) {
		// The headset may be unplugged when the policy is checked, so its node is not opened.
		if (strcasecmp(text, "auto") == 0)
			a->input_device[0] = '\0';
		else
			pc_file_path(c, v, "audio.input_device", a->input_device);
	}
	int choice;
	if ((v = pc_get(node, "on_unplug")) &&
	    (choice = pc_enum(c, v, "audio.on_unplug", unplug, PC_COUNT(unplug))) >= 0)
		a->on_unplug = choice == 0 ? SC_UNPLUG_CONTINUE : SC_UNPLUG_HANGUP;
	if ((v = pc_get(node, "volume")) && pc_u32(c, v, "audio.volume", 0, 100, &n))
		a->volume_percent = n;
	if ((v = pc_get(node, "buttons")))
		read_buttons(c, v, &a->buttons);
	return pc_error_count(c) == before;
}
