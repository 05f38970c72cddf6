#!/usr/bin/env python3
"""Expected packets for tests/esp/transport_packet_test.cc, computed here
independently of src/esp/transport_packet.cc (Python integers, the RFC 1071
sum taken modulo 0xffff rather than folded): the IP header a transport-mode
payload gets on its way to the TUN device, and TCP/UDP/ICMPv6 checksums over
the new pseudo-header (RFC 768, RFC 793, RFC 8200 §8.1). Run it and paste.
"""
import ipaddress
import struct


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    folded = total % 0xFFFF
    if folded == 0 and total != 0:
        folded = 0xFFFF
    return (~folded) & 0xFFFF


def with_l4_checksum(src, dst, proto, l4: bytes, offset: int) -> bytes:
    l4 = bytearray(l4)
    l4[offset:offset + 2] = b"\0\0"
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, proto, len(l4))
    else:
        pseudo = src.packed + dst.packed + struct.pack("!I3xB", len(l4), proto)
    c = csum(pseudo + bytes(l4))
    if c == 0 and proto == 17:
        c = 0xFFFF
    l4[offset:offset + 2] = struct.pack("!H", c)
    return bytes(l4)


def ipv4(src, dst, proto, payload: bytes) -> bytes:
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0,
                              src.packed, dst.packed))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload


def ipv6(src, dst, proto, payload: bytes) -> bytes:
    return struct.pack("!IHBB", 0x60000000, len(payload), proto, 64) + src.packed + dst.packed + payload


peer4, us4 = ipaddress.ip_address("198.51.100.2"), ipaddress.ip_address("198.51.100.1")
peer6, us6 = ipaddress.ip_address("2001:db8:1::2"), ipaddress.ip_address("2001:db8:1::1")
# UDP 40000 -> 7 "tern", checksum field as a NAT left it (stale).
udp = bytes.fromhex("9c400007000cbeef7465726e")
# TCP 1234 -> 80, seq 1, ack 0, data offset 5, PSH|ACK, window 512, stale checksum, "tern".
tcp = bytes.fromhex("04d2005000000001000000005018020012340000" "7465726e")
# ICMPv6 Echo Request id 1 seq 1, stale checksum, "tern".
icmp6 = bytes.fromhex("80001111" "00010001" "7465726e")

print("ipv4 udp keep     ", ipv4(peer4, us4, 17, udp).hex())
print("ipv4 udp recompute", ipv4(peer4, us4, 17, with_l4_checksum(peer4, us4, 17, udp, 6)).hex())
print("ipv4 tcp recompute", ipv4(peer4, us4, 6, with_l4_checksum(peer4, us4, 6, tcp, 16)).hex())
print("ipv6 udp recompute", ipv6(peer6, us6, 17, with_l4_checksum(peer6, us6, 17, udp, 6)).hex())
print("ipv6 tcp recompute", ipv6(peer6, us6, 6, with_l4_checksum(peer6, us6, 6, tcp, 16)).hex())
print("ipv6 icmpv6 recompute", ipv6(peer6, us6, 58, with_l4_checksum(peer6, us6, 58, icmp6, 2)).hex())
