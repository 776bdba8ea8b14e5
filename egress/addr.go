package egress

import (
	"fmt"
	"net/netip"
)

// rule names one range of addresses that is not public. When embedded is
// set, the range carries an IPv4 address inside an IPv6 one and the verdict
// is that of the embedded address instead.
type rule struct {
	prefix   netip.Prefix
	class    string
	embedded func(netip.Addr) netip.Addr
}

// v4Rules are checked in order; the first match wins.
var v4Rules = []rule{
	{prefix: pfx("0.0.0.0/32"), class: "an unspecified address"},
	{prefix: pfx("255.255.255.255/32"), class: "a broadcast address"},
	{prefix: pfx("169.254.169.254/32"), class: "a link-local address (the cloud metadata service)"},
	{prefix: pfx("0.0.0.0/8"), class: "a \"this network\" address"},
	{prefix: pfx("10.0.0.0/8"), class: "a private address"},
	{prefix: pfx("100.64.0.0/10"), class: "a shared (carrier-grade NAT) address"},
	{prefix: pfx("127.0.0.0/8"), class: "a loopback address"},
	{prefix: pfx("169.254.0.0/16"), class: "a link-local address"},
	{prefix: pfx("172.16.0.0/12"), class: "a private address"},
	{prefix: pfx("192.0.0.0/24"), class: "a reserved (IETF protocol assignment) address"},
	{prefix: pfx("192.0.2.0/24"), class: "a documentation address"},
	{prefix: pfx("192.88.99.0/24"), class: "a reserved (6to4 relay) address"},
	{prefix: pfx("192.168.0.0/16"), class: "a private address"},
	{prefix: pfx("198.18.0.0/15"), class: "a benchmarking address"},
	{prefix: pfx("198.51.100.0/24"), class: "a documentation address"},
	{prefix: pfx("203.0.113.0/24"), class: "a documentation address"},
	{prefix: pfx("224.0.0.0/4"), class: "a multicast address"},
	{prefix: pfx("240.0.0.0/4"), class: "a reserved address"},
}

// v6Rules are checked in order; the first match wins. Addresses outside
// 2000::/3 that match no rule are reserved (see classify).
var v6Rules = []rule{
	{prefix: pfx("::/128"), class: "an unspecified address"},
	{prefix: pfx("::1/128"), class: "a loopback address"},
	{prefix: pfx("::ffff:0:0/96"), class: "an IPv4-mapped address", embedded: last4},
	{prefix: pfx("::/96"), class: "an IPv4-compatible address", embedded: last4},
	{prefix: pfx("64:ff9b::/96"), class: "a NAT64 address", embedded: last4},
	{prefix: pfx("64:ff9b:1::/48"), class: "a local-use NAT64 address", embedded: last4},
	{prefix: pfx("2002::/16"), class: "a 6to4 address", embedded: sixToFour},
	{prefix: pfx("2001::/32"), class: "a Teredo address", embedded: teredo},
	{prefix: pfx("2001:db8::/32"), class: "a documentation address"},
	{prefix: pfx("3fff::/20"), class: "a documentation address"},
	{prefix: pfx("100::/64"), class: "a reserved (discard-only) address"},
	{prefix: pfx("fc00::/7"), class: "a private (unique local) address"},
	{prefix: pfx("fe80::/10"), class: "a link-local address"},
	{prefix: pfx("fec0::/10"), class: "a site-local address"},
	{prefix: pfx("ff00::/8"), class: "a multicast address"},
}

// globalUnicast is the only IPv6 range from which public unicast addresses
// are currently assigned.
var globalUnicast = pfx("2000::/3")

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// last4 returns the IPv4 address in the last four bytes of ip.
func last4(ip netip.Addr) netip.Addr {
	b := ip.As16()
	return netip.AddrFrom4([4]byte(b[12:16]))
}

// sixToFour returns the IPv4 address in bytes 2..5 of a 6to4 address.
func sixToFour(ip netip.Addr) netip.Addr {
	b := ip.As16()
	return netip.AddrFrom4([4]byte(b[2:6]))
}

// teredo returns the client's IPv4 address of a Teredo address: the last four
// bytes with every bit flipped.
func teredo(ip netip.Addr) netip.Addr {
	b := ip.As16()
	return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
}

// classify returns what kind of non-public address ip is, as a phrase that
// completes "address X is ...", or "" when ip is public.
func classify(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "not a valid address"
	case ip.Zone() != "":
		return "a zone-scoped address"
	case ip.Is4():
		c, _ := match(v4Rules, ip)
		return c
	}
	if c, ok := match(v6Rules, ip); ok {
		return c
	}
	if !globalUnicast.Contains(ip) {
		return "a reserved address"
	}
	return ""
}

// match applies the first rule of rules that contains ip and reports
// whether there was one. A rule for embedded IPv4 addresses yields "" when
// the embedded address is public.
func match(rules []rule, ip netip.Addr) (class string, ok bool) {
	for _, r := range rules {
		if !r.prefix.Contains(ip) {
			continue
		}
		if r.embedded == nil {
			return r.class, true
		}
		v4 := r.embedded(ip)
		if c := classify(v4); c != "" {
			return fmt.Sprintf("%s embedding %s, %s", r.class, v4, c), true
		}
		return "", true
	}
	return "", false
}

// IsPublic reports whether ip is a public unicast address that webhooks may
// be delivered to: not loopback, private, link-local, unspecified, multicast,
// broadcast, shared (CGNAT), benchmarking, documentation or reserved, and,
// for IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible,
// NAT64, 6to4, Teredo), not carrying such an IPv4 address either. Addresses
// with an IPv6 zone are never public.
func IsPublic(ip netip.Addr) bool {
	return classify(ip) == ""
}

// Check returns nil if ip is public (see IsPublic) and otherwise an *Error
// wrapping ErrForbiddenTarget that names the kind of address, such as
// "address 10.0.0.1 is a private address".
func Check(ip netip.Addr) error {
	if c := classify(ip); c != "" {
		return forbidden("address %s is %s", ip, c)
	}
	return nil
}
