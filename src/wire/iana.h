// IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registries used by
// tern, with to_string for logs. Names follow the RFCs (RFC 7296 §3, RFC 7383,
// RFC 7427, RFC 5903, RFC 8031, RFC 4555). Every enum has a fixed underlying
// type so that values tern does not know are still representable: parsers keep
// them, and to_string prints them as "UNKNOWN(n)".
#pragma once

#include <cstdint>
#include <string>

namespace tern::wire {

enum class ExchangeType : uint8_t {
  IKE_SA_INIT = 34,
  IKE_AUTH = 35,
  CREATE_CHILD_SA = 36,
  INFORMATIONAL = 37,
  IKE_SESSION_RESUME = 38,
  IKE_INTERMEDIATE = 43,
  IKE_FOLLOWUP_KE = 44,
};

enum class PayloadType : uint8_t {
  NONE = 0,
  SA = 33,
  KE = 34,
  IDi = 35,
  IDr = 36,
  CERT = 37,
  CERTREQ = 38,
  AUTH = 39,
  Nonce = 40,  // Ni / Nr
  Notify = 41,
  Delete = 42,
  VendorID = 43,
  TSi = 44,
  TSr = 45,
  SK = 46,
  CP = 47,
  EAP = 48,
  GSPM = 49,
  SKF = 53,  // RFC 7383
};

enum class ProtocolId : uint8_t { NONE = 0, IKE = 1, AH = 2, ESP = 3 };

enum class TransformType : uint8_t { ENCR = 1, PRF = 2, INTEG = 3, KE = 4, ESN = 5 };

// Transform Type 1
enum class EncrId : uint16_t {
  DES_IV64 = 1,
  DES = 2,
  TRIPLE_DES = 3,
  RC5 = 4,
  IDEA = 5,
  CAST = 6,
  BLOWFISH = 7,
  TRIPLE_IDEA = 8,
  DES_IV32 = 9,
  NULL_ = 11,  // ENCR_NULL
  AES_CBC = 12,
  AES_CTR = 13,
  AES_CCM_8 = 14,
  AES_CCM_12 = 15,
  AES_CCM_16 = 16,
  AES_GCM_8 = 18,
  AES_GCM_12 = 19,
  AES_GCM_16 = 20,
  NULL_AUTH_AES_GMAC = 21,
  CAMELLIA_CBC = 23,
  CAMELLIA_CTR = 24,
  CAMELLIA_CCM_8 = 25,
  CAMELLIA_CCM_12 = 26,
  CAMELLIA_CCM_16 = 27,
  CHACHA20_POLY1305 = 28,
};

// Transform Type 2
enum class PrfId : uint16_t {
  HMAC_MD5 = 1,
  HMAC_SHA1 = 2,
  HMAC_TIGER = 3,
  AES128_XCBC = 4,
  HMAC_SHA2_256 = 5,
  HMAC_SHA2_384 = 6,
  HMAC_SHA2_512 = 7,
  AES128_CMAC = 8,
};

// Transform Type 3
enum class IntegId : uint16_t {
  NONE = 0,
  HMAC_MD5_96 = 1,
  HMAC_SHA1_96 = 2,
  DES_MAC = 3,
  KPDK_MD5 = 4,
  AES_XCBC_96 = 5,
  HMAC_MD5_128 = 6,
  HMAC_SHA1_160 = 7,
  AES_CMAC_96 = 8,
  AES_128_GMAC = 9,
  AES_192_GMAC = 10,
  AES_256_GMAC = 11,
  HMAC_SHA2_256_128 = 12,
  HMAC_SHA2_384_192 = 13,
  HMAC_SHA2_512_256 = 14,
};

// Transform Type 4 (Diffie-Hellman / key exchange method)
enum class KeGroup : uint16_t {
  NONE = 0,
  MODP_768 = 1,
  MODP_1024 = 2,
  MODP_1536 = 5,
  MODP_2048 = 14,
  MODP_3072 = 15,
  MODP_4096 = 16,
  MODP_6144 = 17,
  MODP_8192 = 18,
  ECP_256 = 19,
  ECP_384 = 20,
  ECP_521 = 21,
  MODP_1024_160 = 22,
  MODP_2048_224 = 23,
  MODP_2048_256 = 24,
  ECP_192 = 25,
  ECP_224 = 26,
  BRAINPOOL_P224R1 = 27,
  BRAINPOOL_P256R1 = 28,
  BRAINPOOL_P384R1 = 29,
  BRAINPOOL_P512R1 = 30,
  CURVE25519 = 31,
  CURVE448 = 32,
};

// Transform Type 5
enum class EsnId : uint16_t { NO_ESN = 0, ESN = 1 };

// Transform attribute types (§3.3.5)
enum class TransformAttr : uint16_t { KEY_LENGTH = 14 };

enum class IdType : uint8_t {
  ID_IPV4_ADDR = 1,
  ID_FQDN = 2,
  ID_RFC822_ADDR = 3,
  ID_IPV6_ADDR = 5,
  ID_DER_ASN1_DN = 9,
  ID_DER_ASN1_GN = 10,
  ID_KEY_ID = 11,
  ID_NULL = 13,  // RFC 7619
};

enum class CertEncoding : uint8_t {
  PKCS7_X509 = 1,
  PGP = 2,
  DNS_SIGNED_KEY = 3,
  X509_SIGNATURE = 4,
  KERBEROS_TOKEN = 6,
  CRL = 7,
  ARL = 8,
  SPKI = 9,
  X509_ATTRIBUTE = 10,
  RAW_RSA_KEY = 11,
  HASH_URL_X509_CERT = 12,
  HASH_URL_X509_BUNDLE = 13,
  OCSP_CONTENT = 14,
  RAW_PUBLIC_KEY = 15,
};

enum class AuthMethod : uint8_t {
  RSA_DIGITAL_SIGNATURE = 1,
  SHARED_KEY_MIC = 2,
  DSS_DIGITAL_SIGNATURE = 3,
  ECDSA_SHA256_P256 = 9,
  ECDSA_SHA384_P384 = 10,
  ECDSA_SHA512_P521 = 11,
  GENERIC_SECURE_PASSWORD = 12,
  NULL_AUTH = 13,
  DIGITAL_SIGNATURE = 14,  // RFC 7427
};

// RFC 7427 §7 hash algorithms (SIGNATURE_HASH_ALGORITHMS notify data)
enum class HashAlgorithm : uint16_t { SHA1 = 1, SHA2_256 = 2, SHA2_384 = 3, SHA2_512 = 4, IDENTITY = 5 };

enum class TsType : uint8_t { TS_IPV4_ADDR_RANGE = 7, TS_IPV6_ADDR_RANGE = 8 };

enum class CfgType : uint8_t { CFG_REQUEST = 1, CFG_REPLY = 2, CFG_SET = 3, CFG_ACK = 4 };

enum class CfgAttr : uint16_t {
  INTERNAL_IP4_ADDRESS = 1,
  INTERNAL_IP4_NETMASK = 2,
  INTERNAL_IP4_DNS = 3,
  INTERNAL_IP4_NBNS = 4,
  INTERNAL_IP4_DHCP = 6,
  APPLICATION_VERSION = 7,
  INTERNAL_IP6_ADDRESS = 8,
  INTERNAL_IP6_DNS = 10,
  INTERNAL_IP6_DHCP = 12,
  INTERNAL_IP4_SUBNET = 13,
  SUPPORTED_ATTRIBUTES = 14,
  INTERNAL_IP6_SUBNET = 15,
};

enum class NotifyType : uint16_t {
  // Error types (§3.10.1): 1..16383
  UNSUPPORTED_CRITICAL_PAYLOAD = 1,
  INVALID_IKE_SPI = 4,
  INVALID_MAJOR_VERSION = 5,
  INVALID_SYNTAX = 7,
  INVALID_MESSAGE_ID = 9,
  INVALID_SPI = 11,
  NO_PROPOSAL_CHOSEN = 14,
  INVALID_KE_PAYLOAD = 17,
  AUTHENTICATION_FAILED = 24,
  SINGLE_PAIR_REQUIRED = 34,
  NO_ADDITIONAL_SAS = 35,
  INTERNAL_ADDRESS_FAILURE = 36,
  FAILED_CP_REQUIRED = 37,
  TS_UNACCEPTABLE = 38,
  INVALID_SELECTORS = 39,
  UNACCEPTABLE_ADDRESSES = 40,
  UNEXPECTED_NAT_DETECTED = 41,
  USE_ASSIGNED_HoA = 42,
  TEMPORARY_FAILURE = 43,
  CHILD_SA_NOT_FOUND = 44,
  INVALID_GROUP_ID = 45,
  AUTHORIZATION_FAILED = 46,
  STATE_NOT_FOUND = 47,
  // Status types: 16384..
  INITIAL_CONTACT = 16384,
  SET_WINDOW_SIZE = 16385,
  ADDITIONAL_TS_POSSIBLE = 16386,
  IPCOMP_SUPPORTED = 16387,
  NAT_DETECTION_SOURCE_IP = 16388,
  NAT_DETECTION_DESTINATION_IP = 16389,
  COOKIE = 16390,
  USE_TRANSPORT_MODE = 16391,
  HTTP_CERT_LOOKUP_SUPPORTED = 16392,
  REKEY_SA = 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
  NON_FIRST_FRAGMENTS_ALSO = 16395,
  MOBIKE_SUPPORTED = 16396,
  ADDITIONAL_IP4_ADDRESS = 16397,
  ADDITIONAL_IP6_ADDRESS = 16398,
  NO_ADDITIONAL_ADDRESSES = 16399,
  UPDATE_SA_ADDRESSES = 16400,
  COOKIE2 = 16401,
  NO_NATS_ALLOWED = 16402,
  AUTH_LIFETIME = 16403,
  MULTIPLE_AUTH_SUPPORTED = 16404,
  ANOTHER_AUTH_FOLLOWS = 16405,
  REDIRECT_SUPPORTED = 16406,
  REDIRECT = 16407,
  REDIRECTED_FROM = 16408,
  TICKET_LT_OPAQUE = 16409,
  TICKET_REQUEST = 16410,
  TICKET_ACK = 16411,
  TICKET_NACK = 16412,
  TICKET_OPAQUE = 16413,
  LINK_ID = 16414,
  USE_WESP_MODE = 16415,
  ROHC_SUPPORTED = 16416,
  EAP_ONLY_AUTHENTICATION = 16417,
  CHILDLESS_IKEV2_SUPPORTED = 16418,
  QUICK_CRASH_DETECTION = 16419,
  IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
  IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421,
  IKEV2_MESSAGE_ID_SYNC = 16422,
  IPSEC_REPLAY_COUNTER_SYNC = 16423,
  SECURE_PASSWORD_METHODS = 16424,
  PSK_PERSIST = 16425,
  PSK_CONFIRM = 16426,
  ERX_SUPPORTED = 16427,
  IFOM_CAPABILITY = 16428,
  SENDER_REQUEST_ID = 16429,
  IKEV2_FRAGMENTATION_SUPPORTED = 16430,
  SIGNATURE_HASH_ALGORITHMS = 16431,
  CLONE_IKE_SA_SUPPORTED = 16432,
  CLONE_IKE_SA = 16433,
  PUZZLE = 16434,
  USE_PPK = 16435,
  PPK_IDENTITY = 16436,
  NO_PPK_AUTH = 16437,
  INTERMEDIATE_EXCHANGE_SUPPORTED = 16438,
  IP4_ALLOWED = 16439,
  IP6_ALLOWED = 16440,
  ADDITIONAL_KEY_EXCHANGE = 16441,
  USE_AGGFRAG = 16442,
};

constexpr bool is_error_notify(NotifyType t) {
  return static_cast<uint16_t>(t) < 16384;
}
// For base::Error::notify, which holds the raw number.
constexpr uint16_t notify_number(NotifyType t) {
  return static_cast<uint16_t>(t);
}

// "IKE_SA_INIT", "SA", "AES_GCM_16", ...; unknown values print as "UNKNOWN(n)".
std::string to_string(ExchangeType v);
std::string to_string(PayloadType v);
std::string to_string(ProtocolId v);
std::string to_string(TransformType v);
std::string to_string(EncrId v);
std::string to_string(PrfId v);
std::string to_string(IntegId v);
std::string to_string(KeGroup v);
std::string to_string(EsnId v);
std::string to_string(IdType v);
std::string to_string(CertEncoding v);
std::string to_string(AuthMethod v);
std::string to_string(HashAlgorithm v);
std::string to_string(TsType v);
std::string to_string(CfgType v);
std::string to_string(CfgAttr v);
std::string to_string(NotifyType v);
// Transform ID in the namespace of its type: to_string(TransformType::PRF, 5) == "PRF_HMAC_SHA2_256".
std::string transform_id_to_string(TransformType type, uint16_t id);

}  // namespace tern::wire
