package egress

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestIsPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip    string
		class string // "" for public; otherwise a part of the reason
	}{
		// Public.
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"2606:4700::1", ""},
		{"2a00:1450:4001:80b::200e", ""},
		{"64:ff9b::8.8.8.8", ""},
		{"::ffff:8.8.8.8", ""},
		{"2002:808:808::1", ""},
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", ""}, // Teredo client 8.8.8.8

		// IPv4 classes.
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"10.0.0.1", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"169.254.0.1", "link-local"},
		{"169.254.169.254", "cloud metadata"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "this network"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.255", "carrier-grade NAT"},
		{"198.18.0.1", "benchmarking"},
		{"198.19.255.255", "benchmarking"},
		{"192.0.2.1", "documentation"},
		{"198.51.100.1", "documentation"},
		{"203.0.113.1", "documentation"},
		{"192.0.0.8", "reserved"},
		{"240.0.0.1", "reserved"},
		{"254.255.255.255", "reserved"},

		// Edges of the IPv4 ranges that stay public.
		{"11.0.0.0", ""},
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"198.17.255.255", ""},
		{"198.20.0.0", ""},
		{"223.255.255.255", ""},

		// IPv6 classes.
		{"::1", "loopback"},
		{"::", "unspecified"},
		{"fc00::1", "unique local"},
		{"fd12:3456:789a::1", "unique local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "zone-scoped"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"2001:db8::1", "documentation"},
		{"3fff::1", "documentation"},
		{"100::1", "discard-only"},
		{"::ffff:0:7f00:1", "reserved"}, // IPv4-translated, outside 2000::/3
		{"4000::1", "reserved"},

		// IPv4 hidden in IPv6.
		{"::ffff:127.0.0.1", "IPv4-mapped address embedding 127.0.0.1, a loopback"},
		{"::ffff:169.254.169.254", "IPv4-mapped address embedding 169.254.169.254"},
		{"::ffff:10.0.0.1", "IPv4-mapped address embedding 10.0.0.1, a private"},
		{"::127.0.0.1", "IPv4-compatible address embedding 127.0.0.1"},
		{"::10.1.2.3", "IPv4-compatible address embedding 10.1.2.3"},
		{"2002:7f00:1::", "6to4 address embedding 127.0.0.1"},
		{"2002:a9fe:a9fe::1", "6to4 address embedding 169.254.169.254"},
		{"2002:c0a8:101::", "6to4 address embedding 192.168.1.1"},
		{"64:ff9b::7f00:1", "NAT64 address embedding 127.0.0.1"},
		{"64:ff9b::10.0.0.1", "NAT64 address embedding 10.0.0.1"},
		{"64:ff9b:1::a9fe:a9fe", "local-use NAT64 address embedding 169.254.169.254"},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo address embedding 127.0.0.1"},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo address embedding 10.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			t.Parallel()
			ip := netip.MustParseAddr(tt.ip)
			if got, want := IsPublic(ip), tt.class == ""; got != want {
				t.Fatalf("IsPublic(%s) = %v, want %v", ip, got, want)
			}
			err := Check(ip)
			if tt.class == "" {
				if err != nil {
					t.Fatalf("Check(%s) = %v, want nil", ip, err)
				}
				return
			}
			if !errors.Is(err, ErrForbiddenTarget) {
				t.Fatalf("Check(%s) = %v, want ErrForbiddenTarget", ip, err)
			}
			if got, want := err.Error(), tt.class; !strings.Contains(got, want) {
				t.Errorf("Check(%s) = %q, want it to mention %q", ip, got, want)
			}
		})
	}
}

func TestIsPublicInvalid(t *testing.T) {
	t.Parallel()
	if got, want := IsPublic(netip.Addr{}), false; got != want {
		t.Errorf("IsPublic(zero Addr) = %v, want %v", got, want)
	}
}
