#!/usr/bin/env python3
"""Computes the expected ESP packets of tests/esp/esp_kat_test.cc by an
independent route: python3's `cryptography` module (OpenSSL underneath, but
none of tern's code), with the ESP framing written out by hand here from
RFC 4303 §2 (padding 1, 2, 3, ...), RFC 4106 §3-5 and RFC 7634 §2 (nonce =
salt || IV, AAD = SPI || [Seq high ||] Seq low), RFC 3602 + RFC 4868 (ICV =
HMAC over SPI .. ciphertext, truncated). The AEAD IV is the 64-bit sequence
number (tern's choice; any unique IV is valid). Run: python3 esp_kat_vectors.py
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305


def ipv4_checksum(header):
    s = sum(struct.unpack("!10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def ipv4_udp(src, dst, sport, dport, data):
    body = udp(sport, dport, data)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0x1234, 0x4000, 64, 17, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", ipv4_checksum(h)) + h[12:]
    return h + body


def ipv6_udp(src, dst, sport, dport, data):
    body = udp(sport, dport, data)
    return struct.pack("!IHBB16s16s", 0x60000000, len(body), 17, 64, bytes(src), bytes(dst)) + body


def frame(payload, next_header, block):
    pad = (-(len(payload) + 2)) % block
    return payload + bytes(range(1, pad + 1)) + bytes([pad, next_header])


def aead(kind, key_and_salt, spi, seq, esn, payload, next_header):
    key, salt = key_and_salt[:-4], key_and_salt[-4:]
    iv = struct.pack("!Q", seq)
    hdr = struct.pack("!II", spi, seq & 0xFFFFFFFF)
    aad = struct.pack("!III", spi, seq >> 32, seq & 0xFFFFFFFF) if esn else hdr
    c = AESGCM(key) if kind == "gcm" else ChaCha20Poly1305(key)
    return hdr + iv + c.encrypt(salt + iv, frame(payload, next_header, 4), aad)


def cbc_hmac(key, integ_key, spi, seq, iv, payload, next_header):
    hdr = struct.pack("!II", spi, seq)
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = e.update(frame(payload, next_header, 16)) + e.finalize()
    icv = hmac.new(integ_key, hdr + iv + ct, hashlib.sha256).digest()[:16]
    return hdr + iv + ct + icv


v4 = ipv4_udp([10, 1, 0, 1], [10, 2, 0, 1], 40000, 7, b"tern")
v6 = ipv6_udp(bytes.fromhex("20010db8000100000000000000000001"), bytes.fromhex("20010db8000200000000000000000001"),
              40000, 7, b"tern")
print("inner IPv4", v4.hex())
print("inner IPv6", v6.hex())
k = bytes(range(0x00, 0x10)) + bytes.fromhex("a0a1a2a3")
print("AES-GCM-128 seq 1", aead("gcm", k, 0x11223344, 1, False, v4, 4).hex())
k = bytes(range(0x20, 0x40)) + bytes.fromhex("b0b1b2b3")
print("AES-GCM-256 ESN seq 0x100000002", aead("gcm", k, 0x11223344, 0x100000002, True, v4, 4).hex())
k = bytes(range(0x40, 0x60)) + bytes.fromhex("c0c1c2c3")
print("ChaCha20-Poly1305 seq 7 IPv6", aead("chacha", k, 0x11223344, 7, False, v6, 41).hex())
print("AES-CBC-256/HMAC-SHA2-256-128 seq 1",
      cbc_hmac(bytes(range(0x60, 0x80)), bytes(range(0x80, 0xA0)), 0x11223344, 1,
               bytes.fromhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), v4, 4).hex())
