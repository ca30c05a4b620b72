// SPDX-License-Identifier: GPL-3.0-or-later
// Parser and serializer: valid, tolerable and invalid messages, many adapted from the
// RFC 4475 torture tests (their names are given), plus limits and truncation.
#include "check.h"
#include "sip/msg.h"
#include "sip/writer.h"
#include "sip_test_util.h"

#include <errno.h>
#include <stdlib.h>

static char buf[70000];
static size_t buf_len;
static struct sc_sip_msg msg;
static struct sc_sip_error err;

static int parse_as(const char *text, enum sc_sip_framing framing)
{
	buf_len = crlf(text, buf, sizeof(buf));
	return sc_sip_msg_parse(buf, buf_len, framing, &msg, &err);
}

static int parse(const char *text)
{
	return parse_as(text, SC_SIP_STREAM);
}

static bool str_is(struct sc_sip_str s, const char *lit)
{
	return sc_sip_str_eq(s, lit);
}

// Expects a request refused with 400 whose reason names WHAT.
static void expect_400(const char *text, const char *what)
{
	int rc = parse_as(text, SC_SIP_DATAGRAM);
	CHECK_EQ_INT(rc, -EBADMSG);
	CHECK_EQ_INT(err.status, 400);
	CHECK_STR_CONTAINS(err.what, what);
	CHECK_STR_CONTAINS(err.reason, "Bad Request - ");
}

static void expect_drop(const char *text, const char *what)
{
	int rc = parse_as(text, SC_SIP_DATAGRAM);
	CHECK_EQ_INT(rc, -EBADMSG);
	CHECK_EQ_INT(err.status, 0);
	CHECK_STR_CONTAINS(err.what, what);
}

static const char wsinv[] =
	"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
	"TO :\n"
	" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
	"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n"
	"  ;\n"
	"  tag = 98asjd8\n"
	"MaX-fOrWaRdS: 0068\n"
	"Call-ID: wsinv.ndaksdj@192.0.2.1\n"
	"Content-Length   : $CL\n"
	"cseq: 0009\n"
	"  INVITE\n"
	"Via  : SIP  /   2.0\n"
	" /UDP\n"
	"    192.0.2.2;rport;branch=390skdjuw\n"
	"s :\n"
	"NewFangledHeader:   newfangled value\n"
	" continued newfangled value\n"
	"UnknownHeaderWithUnusualValue: ;;,,;;,;\n"
	"Content-Type: application/sdp\n"
	"Route:\n"
	" <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\n"
	"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n"
	"  branch  =   z9hG4bK9ikj8  ,\n"
	" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n"
	" z9hG4bK30239\n"
	"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\n"
	"      newvalue ;\n"
	"  secondparam ; q = 0.33\n"
	"\n"
	"v=0\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.3\n"
	"s=-\n"
	"c=IN IP4 192.0.2.4\n"
	"t=0 0\n"
	"m=audio 49217 RTP/AVP 0 12\n"
	"m=video 3227 RTP/AVP 31\n"
	"a=rtpmap:31 LPC\n";

static void test_wsinv(void)
{
	CHECK_EQ_INT(parse(wsinv), 0);
	CHECK(msg.is_request);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_INVITE);
	CHECK_EQ_INT(msg.request_uri.scheme, SC_SIP_SCHEME_SIP);
	CHECK(str_is(msg.request_uri.user, "vivekg"));
	CHECK(str_is(msg.request_uri.host, "chair-dnrc.example.com"));
	struct sc_sip_str v;
	CHECK(sc_sip_param_get(msg.request_uri.params, "unknownparam", &v) && v.p == NULL);
	CHECK(str_is(msg.to.tag, "1918181833n"));
	CHECK(!msg.to.display.p);
	CHECK(str_is(msg.from.tag, "98asjd8"));
	CHECK(str_is(msg.from.display, "\"J Rosenberg \\\\\\\"\""));
	char display[64];
	CHECK_EQ_INT(sc_sip_unquote(msg.from.display, display, sizeof(display)), 14);
	CHECK(strcmp(display, "J Rosenberg \\\"") == 0);
	CHECK_EQ_INT(msg.max_forwards, 68);
	CHECK(str_is(msg.call_id, "wsinv.ndaksdj@192.0.2.1"));
	CHECK_EQ_INT(msg.cseq.seq, 9);
	CHECK(str_is(msg.cseq.method, "INVITE"));
	CHECK_EQ_INT(msg.n_via, 3);
	CHECK(str_is(msg.via.transport, "UDP"));
	CHECK(str_is(msg.via.host, "192.0.2.2"));
	CHECK(str_is(msg.via.branch, "390skdjuw"));
	CHECK(msg.via.has_rport && msg.via.rport == 0);
	CHECK(!sc_sip_branch_is_rfc3261(msg.via.branch));
	CHECK_EQ_INT(msg.n_contacts, 1);
	CHECK(str_is(msg.contact.uri.user, "jdrosen"));
	CHECK(sc_sip_param_get(msg.contact.params, "q", &v) && str_is(v, "0.33"));
	CHECK(sc_sip_param_get(msg.contact.params, "NEWPARAM", &v) && str_is(v, "newvalue"));
	CHECK(sc_sip_param_get(msg.contact.params, "secondparam", &v) && v.p == NULL);
	CHECK(str_is(msg.content_type, "application") && str_is(msg.content_subtype, "sdp"));
	const struct sc_sip_header *s = sc_sip_msg_find(&msg, SC_SIP_HDR_SUBJECT, NULL);
	CHECK(s && s->value.len == 0);
	const struct sc_sip_header *nf = sc_sip_msg_find_name(&msg, "newfangledheader", NULL);
	CHECK(nf && nf->value.len > 20 && memcmp(nf->value.p, "newfangled value\r\n continued", 28) == 0);
	CHECK(sc_sip_msg_find_name(&msg, "UnknownHeaderWithUnusualValue", NULL) != NULL);
	CHECK_EQ_INT(msg.body.len, msg.content_length);
	CHECK(msg.body.len > 100 && memcmp(msg.body.p, "v=0\r\n", 5) == 0);
	struct sc_sip_error pre;
	CHECK_EQ_INT(sc_sip_msg_precheck(&msg, &pre), 0);

	// the third Via, folded inside its branch parameter
	const struct sc_sip_header *via2 = sc_sip_msg_find(&msg, SC_SIP_HDR_VIA, NULL);
	via2 = sc_sip_msg_find(&msg, SC_SIP_HDR_VIA, via2);
	CHECK(via2 && str_is(via2->name, "v"));
	struct sc_sip_str rest = via2->value, elem;
	struct sc_sip_via pv;
	CHECK(sc_sip_next_value(&rest, &elem) && sc_sip_via_parse(elem, &pv) == 0);
	CHECK(str_is(pv.transport, "TCP") && str_is(pv.branch, "z9hG4bK9ikj8"));
	CHECK(sc_sip_next_value(&rest, &elem) && sc_sip_via_parse(elem, &pv) == 0);
	CHECK(str_is(pv.host, "192.168.255.111") && str_is(pv.branch, "z9hG4bK30239"));
	CHECK(!sc_sip_next_value(&rest, &elem));
}

static void test_intmeth(void)
{
	static const char text[] =
		"!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\n"
		"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\n"
		"To: \"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7F\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\n"
		"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\xD1\x80\xD0\xB0\xD0\xB1\xD0\xBE\xD1\x82\xD0\xB0\xD1\x8E\xD1\x89\xD0\xB8\xD0\xB9\";tag=_token~1'+`*%!-.\n"
		"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\n"
		"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\n"
		"Max-Forwards: 255\n"
		"extensionHeader-!.%*+_`'~:\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB\n"
		"Content-Length: 0\n"
		"\n";
	buf_len = crlf_n(text, sizeof(text) - 1, buf, sizeof(buf));
	CHECK_EQ_INT(sc_sip_msg_parse(buf, buf_len, SC_SIP_STREAM, &msg, &err), 0);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_OTHER);
	CHECK(str_is(msg.method, "!interesting-Method0123456789_*+`.%indeed'~"));
	CHECK(str_is(msg.request_uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
	CHECK(str_is(msg.request_uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"));
	CHECK(str_is(msg.from.display, "token1~` token2'+_ token3*%!.-"));
	CHECK(str_is(msg.from.tag, "_token~1'+`*%!-."));
	CHECK(str_is(msg.via.branch, "z9hG4bK-.!%66*_+`'~"));
	CHECK_EQ_INT(msg.max_forwards, 255);
	// quoted NUL and BEL are legal on the wire but never handed out as text
	char display[64];
	CHECK_EQ_INT(sc_sip_unquote(msg.to.display, display, sizeof(display)), -EINVAL);
	CHECK(sc_sip_msg_find_name(&msg, "extensionHeader-!.%*+_`'~", NULL) != NULL);
}

static void test_escapes(void)
{
	char out[128];
	// esc01
	CHECK_EQ_INT(parse("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\n"
			   "To: sip:%75se%72@example.com\n"
			   "From: <sip:I%20have%20spaces@example.net>;tag=938\n"
			   "Max-Forwards: 87\n"
			   "i: esc01.239409asdfakjkn23onasd0-3234\n"
			   "CSeq: 234234 INVITE\n"
			   "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\n"
			   "C: application/sdp\n"
			   "Contact:\n"
			   "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\n"
			   "Content-Length: 0\n\n"), 0);
	CHECK(sc_sip_unescape(msg.request_uri.user, out, sizeof(out)) > 0 &&
	      strcmp(out, "sips:user@example.com") == 0);
	CHECK(sc_sip_unescape(msg.to.uri.user, out, sizeof(out)) > 0 && strcmp(out, "user") == 0);
	CHECK(sc_sip_unescape(msg.from.uri.user, out, sizeof(out)) > 0 && strcmp(out, "I have spaces") == 0);
	CHECK(str_is(msg.call_id, "esc01.239409asdfakjkn23onasd0-3234"));
	CHECK(str_is(msg.content_type, "application"));

	// escnull: %00 is valid in a URI; decoding it is refused
	CHECK_EQ_INT(parse("REGISTER sip:example.com SIP/2.0\n"
			   "To: sip:null-%00-null@example.com\n"
			   "From: sip:null-%00-null@example.com;tag=839923423\n"
			   "Max-Forwards: 70\n"
			   "Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\n"
			   "CSeq: 14398234 REGISTER\n"
			   "Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\n"
			   "Contact: <sip:%00@host5.example.com>\n"
			   "Contact: <sip:%00%00@host5.example.com>\n"
			   "L:0\n\n"), 0);
	CHECK_EQ_INT(msg.n_contacts, 2);
	CHECK_EQ_INT(sc_sip_unescape(msg.to.uri.user, out, sizeof(out)), -EINVAL);

	// esc02: % is not an escape in a method or a header name
	CHECK_EQ_INT(parse("RE%47IST%45R sip:registrar.example.com SIP/2.0\n"
			   "To: \"%Z%45\" <sip:resource@example.com>\n"
			   "From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23\n"
			   "Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\n"
			   "Via: SIP/2.0/TCP host.example.com;rport;branch=z9hG4bK209%fzsnel234\n"
			   "CSeq: 29344 RE%47IST%45R\n"
			   "Max-Forwards: 70\n"
			   "Contact: <sip:alias1@host1.example.com>\n"
			   "C%6Fntact: <sip:alias2@host2.example.com>\n"
			   "Contact: <sip:alias3@host3.example.com>\n"
			   "l: 0\n\n"), 0);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_OTHER);
	CHECK_EQ_INT(msg.n_contacts, 2);

	// a bad escape inside a URI is a malformed URI
	expect_400("OPTIONS sip:us%4xr@example.com SIP/2.0\n"
		   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
		   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
		   "Call-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n", "Malformed Request-URI");
}

static void test_unusual_valid(void)
{
	// lwsdisp: no space between display name and <
	CHECK_EQ_INT(parse("OPTIONS sip:user@example.com SIP/2.0\n"
			   "To: sip:user@example.com\n"
			   "From: caller<sip:caller@example.com>;tag=323\n"
			   "Max-Forwards: 70\n"
			   "Call-ID: lwsdisp.1234abcd@funky.example.com\n"
			   "CSeq: 60 OPTIONS\n"
			   "Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\n"
			   "l: 0\n\n"), 0);
	CHECK(str_is(msg.from.display, "caller") && str_is(msg.from.tag, "323"));
	CHECK(!msg.to.bracketed && str_is(msg.to.uri.host, "example.com"));

	// semiuri: ';' inside the user part
	CHECK_EQ_INT(parse("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\n"
			   "To: sip:j_user@example.com\n"
			   "From: sip:caller@example.org;tag=33242\n"
			   "Max-Forwards: 3\n"
			   "Call-ID: semiuri.0ha0isndaksdj\n"
			   "CSeq: 8 OPTIONS\n"
			   "Accept: application/sdp, application/pkcs7-mime,\n"
			   "        multipart/mixed, multipart/signed,\n"
			   "        message/sip, message/sipfrag\n"
			   "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\n"
			   "l: 0\n\n"), 0);
	CHECK(str_is(msg.request_uri.user, "user;par=u%40example.net"));
	CHECK(str_is(msg.request_uri.host, "example.com"));

	// transports: several Via values, listed in one header and repeated
	CHECK_EQ_INT(parse("OPTIONS sip:user@example.com SIP/2.0\n"
			   "To: sip:user@example.com\n"
			   "From: <sip:caller@example.com>;tag=323\n"
			   "Max-Forwards: 70\n"
			   "Call-ID:  transports.kijh4akdnaqjkwendsasfdj\n"
			   "Accept: application/sdp\n"
			   "CSeq: 60 OPTIONS\n"
			   "Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\n"
			   "Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\n"
			   "Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\n"
			   "Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\n"
			   "Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee, SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKx;received=2001:db8::9:255;rport=5061\n"
			   "l: 0\n\n"), 0);
	CHECK_EQ_INT(msg.n_via, 6);
	CHECK(str_is(msg.via.host, "t1.example.com"));

	// unreason / noreason
	CHECK_EQ_INT(parse("SIP/2.0 200 = 2**3 * 5**2 \xD0\xBD\xD0\xBE \xD1\x81\xD1\x82\xD0\xBE\n"
			   "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\n"
			   "Call-ID: unreason.1234ksdfak3j2erwedfsASdf\n"
			   "CSeq: 35 INVITE\n"
			   "From: sip:user@example.com;tag=11141343\n"
			   "To: sip:user@example.edu;tag=2229\n"
			   "Content-Length: 0\n\n"), 0);
	CHECK(!msg.is_request && msg.status == 200 && msg.reason.len > 10);
	CHECK_EQ_INT(parse("SIP/2.0 100 \n"
			   "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
			   "Call-ID: noreason.asndj203insdf99223ndf\n"
			   "CSeq: 35 INVITE\n"
			   "From: <sip:user@example.com>;tag=39ansfi3\n"
			   "To: <sip:user@example.edu>;tag=902jndnke3\n"
			   "Content-Length: 0\n\n"), 0);
	CHECK(msg.status == 100 && msg.reason.len == 0);

	// unksm2: unknown schemes in header fields are fine
	CHECK_EQ_INT(parse("REGISTER sip:example.com SIP/2.0\n"
			   "To: isbn:2983792873\n"
			   "From: <http://www.example.com>;tag=3234233\n"
			   "Call-ID: unksm2.daksdj@hyphenated-host.example.com\n"
			   "CSeq: 234902 REGISTER\n"
			   "Max-Forwards: 70\n"
			   "Via: SIP/2.0/UDP 192.0.2.21:5060;branch=z9hG4bKkdjuw\n"
			   "Contact: <name:John_Smith>\n"
			   "l: 0\n\n"), 0);
	CHECK_EQ_INT(msg.to.uri.scheme, SC_SIP_SCHEME_OTHER);
	CHECK_EQ_INT(msg.via.port, 5060);

	// IPv6 (RFC 5118 style) and tel: URIs
	CHECK_EQ_INT(parse("REGISTER sips:[2001:db8::10]:5070 SIP/2.0\n"
			   "To: <tel:+1-201-555-0123;phone-context=example.com>\n"
			   "From: <sips:user@[2001:db8::10]>;tag=81x2\n"
			   "Via: SIP/2.0/TLS [2001:db8::9:1];branch=z9hG4bKas3-111;received=[2001:db8::9:255]\n"
			   "Call-ID: SSG9559905523997077@hlau_4100\n"
			   "Max-Forwards: 70\n"
			   "Contact: \"Caller\" <sips:caller@[2001:db8::1]>\n"
			   "CSeq: 98176 REGISTER\n"
			   "Content-Length: 0\n\n"), 0);
	CHECK_EQ_INT(msg.request_uri.scheme, SC_SIP_SCHEME_SIPS);
	CHECK(str_is(msg.request_uri.host, "[2001:db8::10]") && msg.request_uri.port == 5070);
	CHECK_EQ_INT(msg.to.uri.scheme, SC_SIP_SCHEME_TEL);
	CHECK(str_is(msg.to.uri.user, "+1-201-555-0123"));
	CHECK(str_is(msg.via.host, "[2001:db8::9:1]"));

	// trws: trailing blanks after the SIP version are tolerated
	CHECK_EQ_INT(parse("OPTIONS sip:remote-target@example.com SIP/2.0  \n"
			   "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093\n"
			   "To: <sip:remote-target@example.com>\n"
			   "From: <sip:local-resource@example.com>;tag=329429089\n"
			   "Call-ID: trws.oicu34958239neffasdhr2345r\n"
			   "Accept: application/sdp\n"
			   "CSeq: 238923 OPTIONS\n"
			   "Max-Forwards: 70\n"
			   "Content-Length: 0\n\n"), 0);

	// inv2543: no branch and no Max-Forwards (RFC 2543 style) still parse
	CHECK_EQ_INT(parse("INVITE sip:UserB@example.com SIP/2.0\n"
			   "Via: SIP/2.0/UDP iftgw.example.com\n"
			   "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
			   "Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>\n"
			   "To: sip:+16505552222@ss1.example.net;user=phone\n"
			   "Call-ID: inv2543.1717@ift.client.example.com\n"
			   "CSeq: 56 INVITE\n"
			   "Content-Type: application/sdp\n"
			   "Content-Length: $CL\n\n"
			   "v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.5\ns=-\n"), 0);
	CHECK(!msg.via.branch.p && msg.max_forwards == -1 && msg.from.tag.p == NULL);

	// compact forms only, header names in any case
	CHECK_EQ_INT(parse("BYE sip:lyon@10.77.0.2:5061;transport=tls SIP/2.0\n"
			   "v: SIP/2.0/TLS 10.77.0.1:5061;BRANCH=z9hG4bKcompact\n"
			   "F: <sips:paris@paris.sealcall.internal>;TAG=a1\n"
			   "t: <sips:lyon@lyon.sealcall.internal>;tag=b2\n"
			   "I: compact-1@10.77.0.1\n"
			   "cSeQ: 2 BYE\n"
			   "k: timer, 100rel\n"
			   "M: <sips:paris@10.77.0.1:5061>\n"
			   "L: 0\n\n"), 0);
	CHECK(str_is(msg.via.branch, "z9hG4bKcompact") && sc_sip_branch_is_rfc3261(msg.via.branch));
	CHECK(str_is(msg.from.tag, "a1") && str_is(msg.to.tag, "b2"));
	CHECK(str_is(msg.call_id, "compact-1@10.77.0.1"));
	CHECK_EQ_INT(msg.n_contacts, 1);
	CHECK_EQ_INT(msg.content_length, 0);
	CHECK(sc_sip_msg_find(&msg, SC_SIP_HDR_SUPPORTED, NULL) != NULL);
	struct sc_sip_str v;
	CHECK(sc_sip_param_get(msg.request_uri.params, "Transport", &v) && str_is(v, "tls"));

	// empty lines before the start line are ignored (RFC 3261 §7.5)
	CHECK_EQ_INT(parse("\n\nOPTIONS sip:a@example.com SIP/2.0\n"
			   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
			   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
			   "Call-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"), 0);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_OPTIONS);
	// "invite" is not INVITE: methods are case-sensitive
	CHECK_EQ_INT(parse("invite sip:a@example.com SIP/2.0\n"
			   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
			   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
			   "Call-ID: x\nCSeq: 1 invite\nContent-Length: 0\n\n"), 0);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_OTHER);
}

static void test_datagram_framing(void)
{
	// dblreq: a second request after Content-Length in one datagram is discarded
	CHECK_EQ_INT(parse_as("REGISTER sip:example.com SIP/2.0\n"
			      "To: sip:j.user@example.com\n"
			      "From: sip:j.user@example.com;tag=43251j3j324\n"
			      "Max-Forwards: 8\n"
			      "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412\n"
			      "Contact: sip:j.user@host.example.com\n"
			      "CSeq: 8 REGISTER\n"
			      "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\n"
			      "Content-Length: 0\n\n"
			      "INVITE sip:joe@example.com SIP/2.0\n"
			      "t: sip:joe@example.com\n\n", SC_SIP_DATAGRAM), 0);
	CHECK_EQ_INT(msg.method_id, SC_SIP_METHOD_REGISTER);
	CHECK_EQ_INT(msg.body.len, 0);
	CHECK(msg.raw.len < buf_len);
	// the same bytes over a stream are an error: Content-Length must match exactly
	CHECK_EQ_INT(sc_sip_msg_parse(buf, buf_len, SC_SIP_STREAM, &msg, &err), -EBADMSG);
	CHECK_STR_CONTAINS(err.what, "Content-Length does not match");

	// a datagram may omit Content-Length; a stream may not
	static const char no_cl[] = "OPTIONS sip:a@example.com SIP/2.0\n"
				    "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
				    "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
				    "Call-ID: x\nCSeq: 1 OPTIONS\n\nbody";
	CHECK_EQ_INT(parse_as(no_cl, SC_SIP_DATAGRAM), 0);
	CHECK_EQ_INT(msg.body.len, 4);
	CHECK_EQ_INT(parse_as(no_cl, SC_SIP_STREAM), -EBADMSG);
	CHECK_STR_CONTAINS(err.reason, "Bad Request - Missing Content-Length header");
}

#define HDRS_OK                                                                             \
	"Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"                                   \
	"From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\nCall-ID: x\n"

static void test_invalid(void)
{
	// badinv01: extraneous header separators
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "To: sip:j.user@example.com\n"
		   "From: sip:caller@example.net;;tag=134161461246\n"
		   "Max-Forwards: 7\n"
		   "Call-ID: badinv01.0ha0isndaksdjasdf3234nas\n"
		   "CSeq: 8 INVITE\n"
		   "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\n"
		   "Contact: \"Joe\" <sip:joe@example.org>;;;;\n"
		   "Content-Length: 0\n\n", "Malformed");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\n" "From: <sip:a@example.com>;tag=1\n"
		   "To: <sip:b@example.com>\nCall-ID: x\nCSeq: 1 INVITE\nl: 0\n\n",
		   "Malformed Via header");
	// clerr, ncl
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Content-Length: 9999\n\nv=0\n", "Content-Length larger than the body");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Content-Length: -999\n\n", "Malformed Content-Length header");
	// scalar02: overlarge scalars
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 36893488147419103232 REGISTER\nl: 0\n\n", "CSeq number out of range");
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 2147483648 REGISTER\nl: 0\n\n", "CSeq number out of range");
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 1 REGISTER\nMax-Forwards: 300\nl: 0\n\n", "Max-Forwards out of range");
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 1 REGISTER\nExpires: 10000000000\nl: 0\n\n", "Expires out of range");
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK "CSeq: 1 REGISTER\n"
		   "Contact: <sip:user@host129.example.com>;expires=280297596632815\nl: 0\n\n",
		   "Contact expires out of range");
	// scalarlg and bigcode: broken responses are dropped, never answered
	expect_drop("SIP/2.0 503 Service Unavailable\n"
		    "Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\n"
		    "To: <sip:user@example.com>\nFrom: <sip:other@example.net>;tag=2easdjfejw\n"
		    "CSeq: 9292394834772304023312 OPTIONS\nCall-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\n"
		    "Retry-After: 949302838503028349304023988\nl: 0\n\n", "CSeq number out of range");
	expect_drop("SIP/2.0 4294967301 better not break the receiver\n"
		    "Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
		    "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\n"
		    "CSeq: 353494 INVITE\nFrom: <sip:user@example.com>;tag=39ansfi3\n"
		    "To: <sip:user@example.edu>;tag=902jndnke3\nContent-Length: 0\n\n",
		    "Malformed status code");
	expect_drop("SIP/2.0 20 OK\n\n", "Malformed status code");
	expect_drop("SIP/3.0 200 OK\n\n", "SIP version");
	// quotbal, badaspec, baddn, regbadct
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "To: \"Mr. J. User <sip:j.user@example.com>\n"
		   "From: sip:caller@example.net;tag=93334\n"
		   "Max-Forwards: 10\nCall-ID: quotbal.aksdj\nContact: <sip:caller@host59.example.net>\n"
		   "CSeq: 8 INVITE\nVia: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\n"
		   "Content-Length: 0\n\n", "Malformed To header");
	expect_400("OPTIONS sip:user@example.org SIP/2.0\n"
		   "Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\n"
		   "Max-Forwards: 70\n"
		   "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\n"
		   "To: \"Watson, Thomas\" < sip:t.watson@example.org >\n"
		   "Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\n"
		   "CSeq: 3923239 OPTIONS\nl: 0\n\n", "Malformed To header");
	expect_400("OPTIONS sip:t.watson@example.org SIP/2.0\n"
		   "Via: SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\n"
		   "Max-Forwards: 70\n"
		   "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n"
		   "To: Watson, Thomas <sip:t.watson@example.org>\n"
		   "Call-ID: baddn.31415@c.example.com\nCSeq: 3923239 OPTIONS\nl: 0\n\n",
		   "Malformed From header");
	expect_400("REGISTER sip:example.com SIP/2.0\n" HDRS_OK "CSeq: 1 REGISTER\n"
		   "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\nl: 0\n\n",
		   "Malformed Contact header");
	// ltgtruri, lwsruri, lwsstart, escruri, bad IPv6 references
	expect_400("INVITE <sip:user@example.com> SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "Malformed Request-URI");
	expect_400("INVITE sip:user@example.com; lr SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "Malformed");
	expect_400("INVITE  sip:user@example.com  SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "Malformed request line");
	expect_400("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\n" HDRS_OK
		   "CSeq: 1 INVITE\nl: 0\n\n", "Request-URI must not carry headers");
	expect_400("REGISTER sip:2001:db8::10 SIP/2.0\n" HDRS_OK "CSeq: 1 REGISTER\nl: 0\n\n",
		   "Malformed Request-URI");
	expect_400("REGISTER sip:[2001:db8:::192.0.2.1] SIP/2.0\n" HDRS_OK "CSeq: 1 REGISTER\nl: 0\n\n",
		   "Malformed Request-URI");
	expect_400("REGISTER sip:[2001:db8::10]:0 SIP/2.0\n" HDRS_OK "CSeq: 1 REGISTER\nl: 0\n\n",
		   "Malformed Request-URI");
	// mismatch01/02, insuf, multi01, mcl01
	expect_400("OPTIONS sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "CSeq method does not match the request method");
	expect_400("NEWMETHOD sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "CSeq method does not match");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "CSeq: 193942 INVITE\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\n"
		   "Content-Type: application/sdp\nl: 0\n\n", "Missing From header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
		   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
		   "CSeq: 1 INVITE\nl: 0\n\n", "Missing Call-ID header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\nCall-ID: x\n"
		   "CSeq: 1 INVITE\nl: 0\n\n", "Missing Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "Call-ID: y\n"
		   "CSeq: 1 INVITE\nl: 0\n\n", "Multiple Call-ID headers");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 1 INVITE\nCSeq: 2 INVITE\nl: 0\n\n", "Multiple CSeq headers");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "From: <sip:c@example.com>;tag=2\n"
		   "CSeq: 1 INVITE\nl: 0\n\n", "Multiple From headers");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK
		   "CSeq: 1 INVITE\nContent-Length: 0\nl: 0\n\n", "Multiple Content-Length headers");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
		   "From: <sip:a@example.com>;tag=1, <sip:c@example.com>\nTo: <sip:b@example.com>\n"
		   "Call-ID: x\nCSeq: 1 INVITE\nl: 0\n\n", "Malformed From header");
	// header line problems
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq 1 INVITE\nl: 0\n\n",
		   "no name and colon");
	expect_400("INVITE sip:user@example.com SIP/2.0\n folded: before\n" HDRS_OK
		   "CSeq: 1 INVITE\nl: 0\n\n", "Continuation line before the first header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n",
		   "Missing blank line");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Route: sip:proxy.example.com\nl: 0\n\n", "Malformed Route header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Content-Type: application\nl: 0\n\n", "Malformed Content-Type header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Contact: *, <sip:a@b.example.com>\nl: 0\n\n", "mixed with other contacts");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Require: 100rel, sec agree\nl: 0\n\n", "Malformed Require header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Via: SIP/2.0/TLS h.example.com;received=not-an-ip\nl: 0\n\n", "Malformed Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Via: SIP/2.0/TLS h.example.com:99999\nl: 0\n\n", "Malformed Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Via: SIP/2.0/TLS -bad-.example.com\nl: 0\n\n", "Malformed Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Via: SIP/2.0/TLS 10.0.0.256\nl: 0\n\n", "Malformed Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\n"
		   "Via: SIP/2.0 h.example.com\nl: 0\n\n", "Malformed Via header");
	expect_400("INVITE sip:user@example.com SIP/2.0\n"
		   "Via: SIP/2.0/TLS h.example.com;branch=z9hG4bKa\n"
		   "From: <sip:a@example.com>;tag=1\nTo: <sip:b@example.com>\n"
		   "Call-ID: two words\nCSeq: 1 INVITE\nl: 0\n\n", "Malformed Call-ID header");
	expect_400("INVITE sip:user@example.com SIP/2.0/\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n",
		   "Malformed SIP version");
}

static void test_line_ends_and_limits(void)
{
	// bare LF is not a line end in SIP
	static const char lf[] = "OPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/TLS h;branch=z9hG4bKa\n\n";
	CHECK_EQ_INT(sc_sip_msg_parse(lf, sizeof(lf) - 1, SC_SIP_DATAGRAM, &msg, &err), -EBADMSG);
	CHECK_STR_CONTAINS(err.reason, "Bad Request - Line not terminated by CRLF");
	static const char cr[] = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: x\rY\r\n\r\n";
	CHECK_EQ_INT(sc_sip_msg_parse(cr, sizeof(cr) - 1, SC_SIP_DATAGRAM, &msg, &err), -EBADMSG);
	CHECK_STR_CONTAINS(err.what, "Line not terminated by CRLF");
	CHECK_EQ_INT(sc_sip_msg_parse("", 0, SC_SIP_DATAGRAM, &msg, &err), -EBADMSG);
	CHECK_EQ_INT(sc_sip_msg_parse("\r\n\r\n", 4, SC_SIP_DATAGRAM, &msg, &err), -EBADMSG);

	// too many headers
	static char text[70000];
	size_t n = (size_t)snprintf(text, sizeof(text), "OPTIONS sip:a@example.com SIP/2.0\n" HDRS_OK
				    "CSeq: 1 OPTIONS\nl: 0\n");
	for (int i = 0; i < 94; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "X-Filler-%d: %d\n", i, i);
	snprintf(text + n, sizeof(text) - n, "\n");
	CHECK_EQ_INT(parse(text), 0);
	CHECK_EQ_INT(msg.n_headers, 100);
	snprintf(text + n, sizeof(text) - n, "X-One-Too-Many: 1\n\n");
	CHECK_EQ_INT(parse(text), -EBADMSG);
	CHECK_STR_CONTAINS(err.what, "Too many headers");

	// a line over 8 KiB
	n = (size_t)snprintf(text, sizeof(text), "OPTIONS sip:a@example.com SIP/2.0\n" HDRS_OK
			     "CSeq: 1 OPTIONS\nl: 0\nX-Long: ");
	memset(text + n, 'a', 8200);
	snprintf(text + n + 8200, sizeof(text) - n - 8200, "\n\n");
	CHECK_EQ_INT(parse(text), -EBADMSG);
	CHECK_STR_CONTAINS(err.what, "Line too long");
	// long but legal values, folded into lines under the limit (longreq)
	n = (size_t)snprintf(text, sizeof(text), "OPTIONS sip:a@example.com SIP/2.0\n" HDRS_OK
			     "CSeq: 1 OPTIONS\nl: 0\nX-Long: ");
	for (int line = 0; line < 6; line++) {
		memset(text + n, 'b', 8000);
		n += 8000;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n ");
	}
	snprintf(text + n, sizeof(text) - n, "end\n\n");
	CHECK_EQ_INT(parse(text), 0);
	CHECK(sc_sip_msg_find_name(&msg, "X-Long", NULL)->value.len > 48000);
	// serialized, it keeps its folds: joined it would break the line limit
	static char canon[70000];
	int cn = sc_sip_msg_serialize(&msg, canon, sizeof(canon));
	CHECK(cn > 48000);
	struct sc_sip_msg again;
	CHECK_EQ_INT(sc_sip_msg_parse(canon, (size_t)cn, SC_SIP_STREAM, &again, &err), 0);
	// expanding compact names past 64 KiB is refused, not emitted
	n = (size_t)snprintf(text, sizeof(text), "OPTIONS sip:a@example.com SIP/2.0\n" HDRS_OK
			     "CSeq: 1 OPTIONS\n");
	for (int i = 0; i < 92; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "e:%0700d\n", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	CHECK_EQ_INT(parse_as(text, SC_SIP_DATAGRAM), 0);
	CHECK(buf_len < SC_SIP_MAX_MESSAGE);
	CHECK_EQ_INT(sc_sip_msg_serialize(&msg, canon, sizeof(canon)), -EMSGSIZE);

	// over 64 KiB in all: refused before anything else with 513
	static char huge[SC_SIP_MAX_MESSAGE + 100];
	memset(huge, 'x', sizeof(huge));
	memcpy(huge, "OPTIONS sip:a@example.com SIP/2.0\r\n", 35);
	CHECK_EQ_INT(sc_sip_msg_parse(huge, sizeof(huge), SC_SIP_STREAM, &msg, &err), -EMSGSIZE);
	CHECK_EQ_INT(err.status, 513);
	CHECK(strcmp(err.reason, "Message Too Large") == 0);

	// every truncation of a valid message is refused, none read past the end
	buf_len = crlf(wsinv, buf, sizeof(buf));
	int refused = 0;
	for (size_t cut = 0; cut < buf_len; cut++) {
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		if (sc_sip_msg_parse(copy, cut, SC_SIP_DATAGRAM, &msg, &err) != 0 &&
		    sc_sip_msg_parse(copy, cut, SC_SIP_STREAM, &msg, &err) != 0)
			refused++;
		free(copy);
	}
	CHECK_EQ_INT(refused, (int)buf_len);
}

static void test_precheck(void)
{
	struct sc_sip_error pre;
	// badvers: well formed, answered 505
	CHECK_EQ_INT(parse("OPTIONS sip:t.watson@example.org SIP/7.0\n"
			   "Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\n"
			   "Max-Forwards:     70\n"
			   "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\n"
			   "To:      T. Watson <sip:t.watson@example.org>\n"
			   "Call-ID: badvers.31417@c.example.com\n"
			   "CSeq:    1 OPTIONS\nl: 0\n\n"), 0);
	CHECK_EQ_INT(sc_sip_msg_precheck(&msg, &pre), 505);
	CHECK(strcmp(pre.reason, "Version Not Supported") == 0);
	// unkscm, novelsc: answered 416
	CHECK_EQ_INT(parse("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\n" HDRS_OK
			   "CSeq: 1 OPTIONS\nl: 0\n\n"), 0);
	CHECK_EQ_INT(sc_sip_msg_precheck(&msg, &pre), 416);
	CHECK_STR_CONTAINS(pre.what, "nobodyKnowsThisScheme");
	CHECK_EQ_INT(parse("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\n" HDRS_OK
			   "CSeq: 1 OPTIONS\nl: 0\n\n"), 0);
	CHECK_EQ_INT(sc_sip_msg_precheck(&msg, &pre), 416);
}

// Serializing gives a message that parses to the same content; serializing that again
// gives the same bytes.
static void roundtrip(const char *text)
{
	static char first[70000], second[70000];
	struct sc_sip_msg a, b;
	struct sc_sip_error e;
	buf_len = crlf(text, buf, sizeof(buf));
	if (sc_sip_msg_parse(buf, buf_len, SC_SIP_DATAGRAM, &a, &e) != 0) {
		CHECK(!"round-trip input parses");
		return;
	}
	int n1 = sc_sip_msg_serialize(&a, first, sizeof(first));
	CHECK(n1 > 0);
	CHECK_EQ_INT(sc_sip_msg_parse(first, (size_t)n1, SC_SIP_STREAM, &b, &e), 0);
	CHECK_EQ_INT(a.is_request, b.is_request);
	CHECK(sc_sip_str_equal(a.method, b.method) && a.status == b.status);
	CHECK(sc_sip_str_equal(a.request_uri.raw, b.request_uri.raw));
	CHECK_EQ_INT(a.n_via, b.n_via);
	CHECK(sc_sip_str_equal(a.via.branch, b.via.branch));
	CHECK(sc_sip_str_equal(a.from.tag, b.from.tag) && sc_sip_str_equal(a.to.tag, b.to.tag));
	CHECK(sc_sip_str_equal(a.call_id, b.call_id));
	CHECK_EQ_INT(a.cseq.seq, b.cseq.seq);
	CHECK_EQ_INT(a.n_contacts, b.n_contacts);
	CHECK_EQ_INT(a.max_forwards, b.max_forwards);
	CHECK(a.body.len == b.body.len && memcmp(a.body.p, b.body.p, a.body.len) == 0);
	int n2 = sc_sip_msg_serialize(&b, second, sizeof(second));
	CHECK(n1 == n2 && memcmp(first, second, (size_t)n1) == 0);
	CHECK_EQ_INT(sc_sip_msg_serialize(&a, first, 40), -ENOBUFS);
}

static void test_roundtrip(void)
{
	roundtrip(wsinv);
	roundtrip("SIP/2.0 200 OK\n"
		  "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bK776asdhds;received=10.77.0.1\n"
		  "To: Lyon <sips:lyon@lyon.sealcall.internal>;tag=a6c85cf\n"
		  "From: Paris <sips:paris@paris.sealcall.internal>;tag=1928301774\n"
		  "Call-ID: a84b4c76e66710@10.77.0.1\n"
		  "CSeq: 314159 INVITE\n"
		  "Contact: <sips:lyon@10.77.0.2:5061>\n"
		  "Content-Type: application/sdp\n"
		  "Content-Length: $CL\n\n"
		  "v=0\no=- 1 1 IN IP4 10.77.0.2\ns=-\nc=IN IP4 10.77.0.2\nt=0 0\n"
		  "m=audio 16384 RTP/AVP 0\n");
	roundtrip("REGISTER sip:example.com SIP/2.0\n"
		  "To: sip:null-%00-null@example.com\n"
		  "From: sip:null-%00-null@example.com;tag=839923423\n"
		  "i: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\n"
		  "CSeq: 14398234 REGISTER\n"
		  "v: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\n"
		  "m: <sip:%00@host5.example.com>, <sip:%00%00@host5.example.com>\n"
		  "\n");
}

static void test_writer(void)
{
	char out[2048];
	struct sc_sip_writer w;
	sc_sip_writer_init(&w, out, sizeof(out));
	sc_sip_write_request_line(&w, "OPTIONS", "sips:lyon@10.77.0.2");
	sc_sip_write_header(&w, "Via", "SIP/2.0/TLS 10.77.0.1:5061;branch=%s", "z9hG4bKw1");
	sc_sip_write_header(&w, "From", "<sips:paris@10.77.0.1>;tag=%d", 42);
	sc_sip_write_header(&w, "To", "<sips:lyon@10.77.0.2>");
	sc_sip_write_header(&w, "Call-ID", "w1@10.77.0.1");
	sc_sip_write_header(&w, "CSeq", "1 OPTIONS");
	int n = sc_sip_write_end(&w, "text/plain", "hi", 2);
	CHECK(n > 0);
	CHECK_EQ_INT(sc_sip_msg_parse(out, (size_t)n, SC_SIP_STREAM, &msg, &err), 0);
	CHECK(msg.body.len == 2 && str_is(msg.content_type, "text"));

	// a value with CR/LF would inject a header: refused
	sc_sip_writer_init(&w, out, sizeof(out));
	sc_sip_write_request_line(&w, "OPTIONS", "sips:lyon@10.77.0.2");
	sc_sip_write_header(&w, "Subject", "%s", "hi\r\nVia: SIP/2.0/TLS evil");
	CHECK_EQ_INT(sc_sip_write_end(&w, NULL, NULL, 0), -EINVAL);
	sc_sip_writer_init(&w, out, sizeof(out));
	sc_sip_write_header(&w, "Bad Name", "x");
	CHECK_EQ_INT(w.err, -EINVAL);
	sc_sip_writer_init(&w, out, sizeof(out));
	sc_sip_write_request_line(&w, "OPTIONS", "sips:a b");
	CHECK_EQ_INT(w.err, -EINVAL);
	sc_sip_writer_init(&w, out, 16);
	sc_sip_write_request_line(&w, "OPTIONS", "sips:lyon@10.77.0.2");
	CHECK_EQ_INT(sc_sip_write_end(&w, NULL, NULL, 0), -ENOBUFS);

	// a response copies Via (all), From, To (+tag), Call-ID, CSeq
	CHECK_EQ_INT(parse(wsinv), 0);
	static char resp[4096];
	sc_sip_writer_init(&w, resp, sizeof(resp));
	sc_sip_write_response_start(&w, &msg, 486, "Busy Here", "xyz");
	n = sc_sip_write_end(&w, NULL, NULL, 0);
	CHECK(n > 0);
	struct sc_sip_msg r;
	CHECK_EQ_INT(sc_sip_msg_parse(resp, (size_t)n, SC_SIP_STREAM, &r, &err), 0);
	CHECK_EQ_INT(r.status, 486);
	CHECK_EQ_INT(r.n_via, 3);
	CHECK(str_is(r.to.tag, "1918181833n")); // the request's To already had a tag
	CHECK(sc_sip_str_equal(r.call_id, msg.call_id) && r.cseq.seq == 9);

	// CANCEL of an INVITE: same Request-URI, top Via, From, To, Call-ID, CSeq number
	CHECK_EQ_INT(parse("INVITE sips:lyon@10.77.0.2 SIP/2.0\n"
			   "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKinv1\n"
			   "Route: <sips:hub.sealcall.internal;lr>\n"
			   "Max-Forwards: 70\n"
			   "From: <sips:paris@paris.sealcall.internal>;tag=p1\n"
			   "To: <sips:lyon@lyon.sealcall.internal>\n"
			   "Call-ID: c1@10.77.0.1\nCSeq: 7 INVITE\nContact: <sips:paris@10.77.0.1>\n"
			   "Content-Length: 0\n\n"), 0);
	sc_sip_writer_init(&w, resp, sizeof(resp));
	n = sc_sip_write_cancel(&w, &msg);
	CHECK(n > 0);
	CHECK_EQ_INT(sc_sip_msg_parse(resp, (size_t)n, SC_SIP_STREAM, &r, &err), 0);
	CHECK_EQ_INT(r.method_id, SC_SIP_METHOD_CANCEL);
	CHECK(str_is(r.request_uri.raw, "sips:lyon@10.77.0.2"));
	CHECK(str_is(r.via.branch, "z9hG4bKinv1") && r.n_via == 1);
	CHECK(r.cseq.seq == 7 && str_is(r.cseq.method, "CANCEL"));
	CHECK(sc_sip_msg_find(&r, SC_SIP_HDR_ROUTE, NULL) != NULL);
	// a response has no 100 Trying to-tag
	CHECK_EQ_INT(parse("INVITE sips:lyon@10.77.0.2 SIP/2.0\n" HDRS_OK "CSeq: 1 INVITE\nl: 0\n\n"), 0);
	sc_sip_writer_init(&w, resp, sizeof(resp));
	sc_sip_write_response_start(&w, &msg, 100, "Trying", "t1");
	n = sc_sip_write_end(&w, NULL, NULL, 0);
	CHECK_EQ_INT(sc_sip_msg_parse(resp, (size_t)n, SC_SIP_STREAM, &r, &err), 0);
	CHECK(r.to.tag.p == NULL);
	sc_sip_writer_init(&w, resp, sizeof(resp));
	sc_sip_write_response_start(&w, &msg, 180, "Ringing", "t1");
	n = sc_sip_write_end(&w, NULL, NULL, 0);
	CHECK_EQ_INT(sc_sip_msg_parse(resp, (size_t)n, SC_SIP_STREAM, &r, &err), 0);
	CHECK(str_is(r.to.tag, "t1"));
}

static void test_text_helpers(void)
{
	struct sc_sip_str rest = sc_sip_str_from("\"a,b\" <sip:x@y;p=1,2>, <sip:z@w> ,,last"), v;
	CHECK(sc_sip_next_value(&rest, &v) && str_is(v, "\"a,b\" <sip:x@y;p=1,2>"));
	CHECK(sc_sip_next_value(&rest, &v) && str_is(v, "<sip:z@w>"));
	CHECK(sc_sip_next_value(&rest, &v) && v.len == 0);
	CHECK(sc_sip_next_value(&rest, &v) && str_is(v, "last"));
	CHECK(!sc_sip_next_value(&rest, &v));
	struct sc_sip_str cur = sc_sip_str_from(";a=1 ; B = \"x;y\" ;c"), name, value;
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), 1);
	CHECK(str_is(name, "a") && str_is(value, "1"));
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), 1);
	CHECK(str_is(name, "B") && str_is(value, "\"x;y\""));
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), 1);
	CHECK(str_is(name, "c") && value.p == NULL);
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), 0);
	cur = sc_sip_str_from(";a=");
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), -EINVAL);
	cur = sc_sip_str_from(";a=\"open");
	CHECK_EQ_INT(sc_sip_param_next(&cur, &name, &value), -EINVAL);
	uint64_t u;
	CHECK(sc_sip_parse_uint(sc_sip_str_from("0009"), 10, &u) && u == 9);
	CHECK(!sc_sip_parse_uint(sc_sip_str_from("11"), 10, &u));
	CHECK(!sc_sip_parse_uint(sc_sip_str_from("18446744073709551616"), UINT64_MAX, &u));
	CHECK(sc_sip_parse_uint(sc_sip_str_from("18446744073709551615"), UINT64_MAX, &u));
	char out[8];
	CHECK_EQ_INT(sc_sip_unquote(sc_sip_str_from("\"toolongvalue\""), out, sizeof(out)), -ENAMETOOLONG);
	CHECK_EQ_INT(sc_sip_unescape(sc_sip_str_from("ab%4"), out, sizeof(out)), -EINVAL);
	CHECK_EQ_INT(sc_sip_hdr_lookup(sc_sip_str_from("I")), SC_SIP_HDR_CALL_ID);
	CHECK_EQ_INT(sc_sip_hdr_lookup(sc_sip_str_from("www-authenticate")), SC_SIP_HDR_WWW_AUTHENTICATE);
	CHECK_EQ_INT(sc_sip_hdr_lookup(sc_sip_str_from("q")), SC_SIP_HDR_OTHER);
}

int main(void)
{
	test_wsinv();
	test_intmeth();
	test_escapes();
	test_unusual_valid();
	test_datagram_framing();
	test_invalid();
	test_line_ends_and_limits();
	test_precheck();
	test_roundtrip();
	test_writer();
	test_text_helpers();
	return check_done();
}
