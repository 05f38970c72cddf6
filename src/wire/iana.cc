// to_string for the IANA registries in iana.h; one case per registered name.
#include "wire/iana.h"

#include <fmt/format.h>

namespace tern::wire {

namespace {
std::string unknown(unsigned v) {
  return fmt::format("UNKNOWN({})", v);
}
}  // namespace

std::string to_string(ExchangeType v) {
  switch (v) {
    case ExchangeType::IKE_SA_INIT: return "IKE_SA_INIT";
    case ExchangeType::IKE_AUTH: return "IKE_AUTH";
    case ExchangeType::CREATE_CHILD_SA: return "CREATE_CHILD_SA";
    case ExchangeType::INFORMATIONAL: return "INFORMATIONAL";
    case ExchangeType::IKE_SESSION_RESUME: return "IKE_SESSION_RESUME";
    case ExchangeType::IKE_INTERMEDIATE: return "IKE_INTERMEDIATE";
    case ExchangeType::IKE_FOLLOWUP_KE: return "IKE_FOLLOWUP_KE";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(PayloadType v) {
  switch (v) {
    case PayloadType::NONE: return "NONE";
    case PayloadType::SA: return "SA";
    case PayloadType::KE: return "KE";
    case PayloadType::IDi: return "IDi";
    case PayloadType::IDr: return "IDr";
    case PayloadType::CERT: return "CERT";
    case PayloadType::CERTREQ: return "CERTREQ";
    case PayloadType::AUTH: return "AUTH";
    case PayloadType::Nonce: return "Nonce";
    case PayloadType::Notify: return "Notify";
    case PayloadType::Delete: return "Delete";
    case PayloadType::VendorID: return "VendorID";
    case PayloadType::TSi: return "TSi";
    case PayloadType::TSr: return "TSr";
    case PayloadType::SK: return "SK";
    case PayloadType::CP: return "CP";
    case PayloadType::EAP: return "EAP";
    case PayloadType::GSPM: return "GSPM";
    case PayloadType::SKF: return "SKF";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(ProtocolId v) {
  switch (v) {
    case ProtocolId::NONE: return "NONE";
    case ProtocolId::IKE: return "IKE";
    case ProtocolId::AH: return "AH";
    case ProtocolId::ESP: return "ESP";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(TransformType v) {
  switch (v) {
    case TransformType::ENCR: return "ENCR";
    case TransformType::PRF: return "PRF";
    case TransformType::INTEG: return "INTEG";
    case TransformType::KE: return "KE";
    case TransformType::ESN: return "ESN";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(EncrId v) {
  switch (v) {
    case EncrId::DES_IV64: return "DES_IV64";
    case EncrId::DES: return "DES";
    case EncrId::TRIPLE_DES: return "3DES";
    case EncrId::RC5: return "RC5";
    case EncrId::IDEA: return "IDEA";
    case EncrId::CAST: return "CAST";
    case EncrId::BLOWFISH: return "BLOWFISH";
    case EncrId::TRIPLE_IDEA: return "3IDEA";
    case EncrId::DES_IV32: return "DES_IV32";
    case EncrId::NULL_: return "NULL";
    case EncrId::AES_CBC: return "AES_CBC";
    case EncrId::AES_CTR: return "AES_CTR";
    case EncrId::AES_CCM_8: return "AES_CCM_8";
    case EncrId::AES_CCM_12: return "AES_CCM_12";
    case EncrId::AES_CCM_16: return "AES_CCM_16";
    case EncrId::AES_GCM_8: return "AES_GCM_8";
    case EncrId::AES_GCM_12: return "AES_GCM_12";
    case EncrId::AES_GCM_16: return "AES_GCM_16";
    case EncrId::NULL_AUTH_AES_GMAC: return "NULL_AUTH_AES_GMAC";
    case EncrId::CAMELLIA_CBC: return "CAMELLIA_CBC";
    case EncrId::CAMELLIA_CTR: return "CAMELLIA_CTR";
    case EncrId::CAMELLIA_CCM_8: return "CAMELLIA_CCM_8";
    case EncrId::CAMELLIA_CCM_12: return "CAMELLIA_CCM_12";
    case EncrId::CAMELLIA_CCM_16: return "CAMELLIA_CCM_16";
    case EncrId::CHACHA20_POLY1305: return "CHACHA20_POLY1305";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(PrfId v) {
  switch (v) {
    case PrfId::HMAC_MD5: return "HMAC_MD5";
    case PrfId::HMAC_SHA1: return "HMAC_SHA1";
    case PrfId::HMAC_TIGER: return "HMAC_TIGER";
    case PrfId::AES128_XCBC: return "AES128_XCBC";
    case PrfId::HMAC_SHA2_256: return "HMAC_SHA2_256";
    case PrfId::HMAC_SHA2_384: return "HMAC_SHA2_384";
    case PrfId::HMAC_SHA2_512: return "HMAC_SHA2_512";
    case PrfId::AES128_CMAC: return "AES128_CMAC";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(IntegId v) {
  switch (v) {
    case IntegId::NONE: return "NONE";
    case IntegId::HMAC_MD5_96: return "HMAC_MD5_96";
    case IntegId::HMAC_SHA1_96: return "HMAC_SHA1_96";
    case IntegId::DES_MAC: return "DES_MAC";
    case IntegId::KPDK_MD5: return "KPDK_MD5";
    case IntegId::AES_XCBC_96: return "AES_XCBC_96";
    case IntegId::HMAC_MD5_128: return "HMAC_MD5_128";
    case IntegId::HMAC_SHA1_160: return "HMAC_SHA1_160";
    case IntegId::AES_CMAC_96: return "AES_CMAC_96";
    case IntegId::AES_128_GMAC: return "AES_128_GMAC";
    case IntegId::AES_192_GMAC: return "AES_192_GMAC";
    case IntegId::AES_256_GMAC: return "AES_256_GMAC";
    case IntegId::HMAC_SHA2_256_128: return "HMAC_SHA2_256_128";
    case IntegId::HMAC_SHA2_384_192: return "HMAC_SHA2_384_192";
    case IntegId::HMAC_SHA2_512_256: return "HMAC_SHA2_512_256";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(KeGroup v) {
  switch (v) {
    case KeGroup::NONE: return "NONE";
    case KeGroup::MODP_768: return "MODP_768";
    case KeGroup::MODP_1024: return "MODP_1024";
    case KeGroup::MODP_1536: return "MODP_1536";
    case KeGroup::MODP_2048: return "MODP_2048";
    case KeGroup::MODP_3072: return "MODP_3072";
    case KeGroup::MODP_4096: return "MODP_4096";
    case KeGroup::MODP_6144: return "MODP_6144";
    case KeGroup::MODP_8192: return "MODP_8192";
    case KeGroup::ECP_256: return "ECP_256";
    case KeGroup::ECP_384: return "ECP_384";
    case KeGroup::ECP_521: return "ECP_521";
    case KeGroup::MODP_1024_160: return "MODP_1024_160";
    case KeGroup::MODP_2048_224: return "MODP_2048_224";
    case KeGroup::MODP_2048_256: return "MODP_2048_256";
    case KeGroup::ECP_192: return "ECP_192";
    case KeGroup::ECP_224: return "ECP_224";
    case KeGroup::BRAINPOOL_P224R1: return "BRAINPOOL_P224R1";
    case KeGroup::BRAINPOOL_P256R1: return "BRAINPOOL_P256R1";
    case KeGroup::BRAINPOOL_P384R1: return "BRAINPOOL_P384R1";
    case KeGroup::BRAINPOOL_P512R1: return "BRAINPOOL_P512R1";
    case KeGroup::CURVE25519: return "CURVE25519";
    case KeGroup::CURVE448: return "CURVE448";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(EsnId v) {
  switch (v) {
    case EsnId::NO_ESN: return "NO_ESN";
    case EsnId::ESN: return "ESN";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(IdType v) {
  switch (v) {
    case IdType::ID_IPV4_ADDR: return "ID_IPV4_ADDR";
    case IdType::ID_FQDN: return "ID_FQDN";
    case IdType::ID_RFC822_ADDR: return "ID_RFC822_ADDR";
    case IdType::ID_IPV6_ADDR: return "ID_IPV6_ADDR";
    case IdType::ID_DER_ASN1_DN: return "ID_DER_ASN1_DN";
    case IdType::ID_DER_ASN1_GN: return "ID_DER_ASN1_GN";
    case IdType::ID_KEY_ID: return "ID_KEY_ID";
    case IdType::ID_NULL: return "ID_NULL";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(CertEncoding v) {
  switch (v) {
    case CertEncoding::PKCS7_X509: return "PKCS7_X509";
    case CertEncoding::PGP: return "PGP";
    case CertEncoding::DNS_SIGNED_KEY: return "DNS_SIGNED_KEY";
    case CertEncoding::X509_SIGNATURE: return "X509_SIGNATURE";
    case CertEncoding::KERBEROS_TOKEN: return "KERBEROS_TOKEN";
    case CertEncoding::CRL: return "CRL";
    case CertEncoding::ARL: return "ARL";
    case CertEncoding::SPKI: return "SPKI";
    case CertEncoding::X509_ATTRIBUTE: return "X509_ATTRIBUTE";
    case CertEncoding::RAW_RSA_KEY: return "RAW_RSA_KEY";
    case CertEncoding::HASH_URL_X509_CERT: return "HASH_URL_X509_CERT";
    case CertEncoding::HASH_URL_X509_BUNDLE: return "HASH_URL_X509_BUNDLE";
    case CertEncoding::OCSP_CONTENT: return "OCSP_CONTENT";
    case CertEncoding::RAW_PUBLIC_KEY: return "RAW_PUBLIC_KEY";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(AuthMethod v) {
  switch (v) {
    case AuthMethod::RSA_DIGITAL_SIGNATURE: return "RSA_DIGITAL_SIGNATURE";
    case AuthMethod::SHARED_KEY_MIC: return "SHARED_KEY_MIC";
    case AuthMethod::DSS_DIGITAL_SIGNATURE: return "DSS_DIGITAL_SIGNATURE";
    case AuthMethod::ECDSA_SHA256_P256: return "ECDSA_SHA256_P256";
    case AuthMethod::ECDSA_SHA384_P384: return "ECDSA_SHA384_P384";
    case AuthMethod::ECDSA_SHA512_P521: return "ECDSA_SHA512_P521";
    case AuthMethod::GENERIC_SECURE_PASSWORD: return "GENERIC_SECURE_PASSWORD";
    case AuthMethod::NULL_AUTH: return "NULL_AUTH";
    case AuthMethod::DIGITAL_SIGNATURE: return "DIGITAL_SIGNATURE";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(HashAlgorithm v) {
  switch (v) {
    case HashAlgorithm::SHA1: return "SHA1";
    case HashAlgorithm::SHA2_256: return "SHA2_256";
    case HashAlgorithm::SHA2_384: return "SHA2_384";
    case HashAlgorithm::SHA2_512: return "SHA2_512";
    case HashAlgorithm::IDENTITY: return "IDENTITY";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(TsType v) {
  switch (v) {
    case TsType::TS_IPV4_ADDR_RANGE: return "TS_IPV4_ADDR_RANGE";
    case TsType::TS_IPV6_ADDR_RANGE: return "TS_IPV6_ADDR_RANGE";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(CfgType v) {
  switch (v) {
    case CfgType::CFG_REQUEST: return "CFG_REQUEST";
    case CfgType::CFG_REPLY: return "CFG_REPLY";
    case CfgType::CFG_SET: return "CFG_SET";
    case CfgType::CFG_ACK: return "CFG_ACK";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(CfgAttr v) {
  switch (v) {
    case CfgAttr::INTERNAL_IP4_ADDRESS: return "INTERNAL_IP4_ADDRESS";
    case CfgAttr::INTERNAL_IP4_NETMASK: return "INTERNAL_IP4_NETMASK";
    case CfgAttr::INTERNAL_IP4_DNS: return "INTERNAL_IP4_DNS";
    case CfgAttr::INTERNAL_IP4_NBNS: return "INTERNAL_IP4_NBNS";
    case CfgAttr::INTERNAL_IP4_DHCP: return "INTERNAL_IP4_DHCP";
    case CfgAttr::APPLICATION_VERSION: return "APPLICATION_VERSION";
    case CfgAttr::INTERNAL_IP6_ADDRESS: return "INTERNAL_IP6_ADDRESS";
    case CfgAttr::INTERNAL_IP6_DNS: return "INTERNAL_IP6_DNS";
    case CfgAttr::INTERNAL_IP6_DHCP: return "INTERNAL_IP6_DHCP";
    case CfgAttr::INTERNAL_IP4_SUBNET: return "INTERNAL_IP4_SUBNET";
    case CfgAttr::SUPPORTED_ATTRIBUTES: return "SUPPORTED_ATTRIBUTES";
    case CfgAttr::INTERNAL_IP6_SUBNET: return "INTERNAL_IP6_SUBNET";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string to_string(NotifyType v) {
  switch (v) {
    case NotifyType::UNSUPPORTED_CRITICAL_PAYLOAD: return "UNSUPPORTED_CRITICAL_PAYLOAD";
    case NotifyType::INVALID_IKE_SPI: return "INVALID_IKE_SPI";
    case NotifyType::INVALID_MAJOR_VERSION: return "INVALID_MAJOR_VERSION";
    case NotifyType::INVALID_SYNTAX: return "INVALID_SYNTAX";
    case NotifyType::INVALID_MESSAGE_ID: return "INVALID_MESSAGE_ID";
    case NotifyType::INVALID_SPI: return "INVALID_SPI";
    case NotifyType::NO_PROPOSAL_CHOSEN: return "NO_PROPOSAL_CHOSEN";
    case NotifyType::INVALID_KE_PAYLOAD: return "INVALID_KE_PAYLOAD";
    case NotifyType::AUTHENTICATION_FAILED: return "AUTHENTICATION_FAILED";
    case NotifyType::SINGLE_PAIR_REQUIRED: return "SINGLE_PAIR_REQUIRED";
    case NotifyType::NO_ADDITIONAL_SAS: return "NO_ADDITIONAL_SAS";
    case NotifyType::INTERNAL_ADDRESS_FAILURE: return "INTERNAL_ADDRESS_FAILURE";
    case NotifyType::FAILED_CP_REQUIRED: return "FAILED_CP_REQUIRED";
    case NotifyType::TS_UNACCEPTABLE: return "TS_UNACCEPTABLE";
    case NotifyType::INVALID_SELECTORS: return "INVALID_SELECTORS";
    case NotifyType::UNACCEPTABLE_ADDRESSES: return "UNACCEPTABLE_ADDRESSES";
    case NotifyType::UNEXPECTED_NAT_DETECTED: return "UNEXPECTED_NAT_DETECTED";
    case NotifyType::USE_ASSIGNED_HoA: return "USE_ASSIGNED_HoA";
    case NotifyType::TEMPORARY_FAILURE: return "TEMPORARY_FAILURE";
    case NotifyType::CHILD_SA_NOT_FOUND: return "CHILD_SA_NOT_FOUND";
    case NotifyType::INVALID_GROUP_ID: return "INVALID_GROUP_ID";
    case NotifyType::AUTHORIZATION_FAILED: return "AUTHORIZATION_FAILED";
    case NotifyType::STATE_NOT_FOUND: return "STATE_NOT_FOUND";
    case NotifyType::INITIAL_CONTACT: return "INITIAL_CONTACT";
    case NotifyType::SET_WINDOW_SIZE: return "SET_WINDOW_SIZE";
    case NotifyType::ADDITIONAL_TS_POSSIBLE: return "ADDITIONAL_TS_POSSIBLE";
    case NotifyType::IPCOMP_SUPPORTED: return "IPCOMP_SUPPORTED";
    case NotifyType::NAT_DETECTION_SOURCE_IP: return "NAT_DETECTION_SOURCE_IP";
    case NotifyType::NAT_DETECTION_DESTINATION_IP: return "NAT_DETECTION_DESTINATION_IP";
    case NotifyType::COOKIE: return "COOKIE";
    case NotifyType::USE_TRANSPORT_MODE: return "USE_TRANSPORT_MODE";
    case NotifyType::HTTP_CERT_LOOKUP_SUPPORTED: return "HTTP_CERT_LOOKUP_SUPPORTED";
    case NotifyType::REKEY_SA: return "REKEY_SA";
    case NotifyType::ESP_TFC_PADDING_NOT_SUPPORTED: return "ESP_TFC_PADDING_NOT_SUPPORTED";
    case NotifyType::NON_FIRST_FRAGMENTS_ALSO: return "NON_FIRST_FRAGMENTS_ALSO";
    case NotifyType::MOBIKE_SUPPORTED: return "MOBIKE_SUPPORTED";
    case NotifyType::ADDITIONAL_IP4_ADDRESS: return "ADDITIONAL_IP4_ADDRESS";
    case NotifyType::ADDITIONAL_IP6_ADDRESS: return "ADDITIONAL_IP6_ADDRESS";
    case NotifyType::NO_ADDITIONAL_ADDRESSES: return "NO_ADDITIONAL_ADDRESSES";
    case NotifyType::UPDATE_SA_ADDRESSES: return "UPDATE_SA_ADDRESSES";
    case NotifyType::COOKIE2: return "COOKIE2";
    case NotifyType::NO_NATS_ALLOWED: return "NO_NATS_ALLOWED";
    case NotifyType::AUTH_LIFETIME: return "AUTH_LIFETIME";
    case NotifyType::MULTIPLE_AUTH_SUPPORTED: return "MULTIPLE_AUTH_SUPPORTED";
    case NotifyType::ANOTHER_AUTH_FOLLOWS: return "ANOTHER_AUTH_FOLLOWS";
    case NotifyType::REDIRECT_SUPPORTED: return "REDIRECT_SUPPORTED";
    case NotifyType::REDIRECT: return "REDIRECT";
    case NotifyType::REDIRECTED_FROM: return "REDIRECTED_FROM";
    case NotifyType::TICKET_LT_OPAQUE: return "TICKET_LT_OPAQUE";
    case NotifyType::TICKET_REQUEST: return "TICKET_REQUEST";
    case NotifyType::TICKET_ACK: return "TICKET_ACK";
    case NotifyType::TICKET_NACK: return "TICKET_NACK";
    case NotifyType::TICKET_OPAQUE: return "TICKET_OPAQUE";
    case NotifyType::LINK_ID: return "LINK_ID";
    case NotifyType::USE_WESP_MODE: return "USE_WESP_MODE";
    case NotifyType::ROHC_SUPPORTED: return "ROHC_SUPPORTED";
    case NotifyType::EAP_ONLY_AUTHENTICATION: return "EAP_ONLY_AUTHENTICATION";
    case NotifyType::CHILDLESS_IKEV2_SUPPORTED: return "CHILDLESS_IKEV2_SUPPORTED";
    case NotifyType::QUICK_CRASH_DETECTION: return "QUICK_CRASH_DETECTION";
    case NotifyType::IKEV2_MESSAGE_ID_SYNC_SUPPORTED: return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED";
    case NotifyType::IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED: return "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED";
    case NotifyType::IKEV2_MESSAGE_ID_SYNC: return "IKEV2_MESSAGE_ID_SYNC";
    case NotifyType::IPSEC_REPLAY_COUNTER_SYNC: return "IPSEC_REPLAY_COUNTER_SYNC";
    case NotifyType::SECURE_PASSWORD_METHODS: return "SECURE_PASSWORD_METHODS";
    case NotifyType::PSK_PERSIST: return "PSK_PERSIST";
    case NotifyType::PSK_CONFIRM: return "PSK_CONFIRM";
    case NotifyType::ERX_SUPPORTED: return "ERX_SUPPORTED";
    case NotifyType::IFOM_CAPABILITY: return "IFOM_CAPABILITY";
    case NotifyType::SENDER_REQUEST_ID: return "SENDER_REQUEST_ID";
    case NotifyType::IKEV2_FRAGMENTATION_SUPPORTED: return "IKEV2_FRAGMENTATION_SUPPORTED";
    case NotifyType::SIGNATURE_HASH_ALGORITHMS: return "SIGNATURE_HASH_ALGORITHMS";
    case NotifyType::CLONE_IKE_SA_SUPPORTED: return "CLONE_IKE_SA_SUPPORTED";
    case NotifyType::CLONE_IKE_SA: return "CLONE_IKE_SA";
    case NotifyType::PUZZLE: return "PUZZLE";
    case NotifyType::USE_PPK: return "USE_PPK";
    case NotifyType::PPK_IDENTITY: return "PPK_IDENTITY";
    case NotifyType::NO_PPK_AUTH: return "NO_PPK_AUTH";
    case NotifyType::INTERMEDIATE_EXCHANGE_SUPPORTED: return "INTERMEDIATE_EXCHANGE_SUPPORTED";
    case NotifyType::IP4_ALLOWED: return "IP4_ALLOWED";
    case NotifyType::IP6_ALLOWED: return "IP6_ALLOWED";
    case NotifyType::ADDITIONAL_KEY_EXCHANGE: return "ADDITIONAL_KEY_EXCHANGE";
    case NotifyType::USE_AGGFRAG: return "USE_AGGFRAG";
  }
  return unknown(static_cast<unsigned>(v));
}

std::string transform_id_to_string(TransformType type, uint16_t id) {
  switch (type) {
    case TransformType::ENCR: return "ENCR_" + to_string(static_cast<EncrId>(id));
    case TransformType::PRF: return "PRF_" + to_string(static_cast<PrfId>(id));
    case TransformType::INTEG: return "AUTH_" + to_string(static_cast<IntegId>(id));
    case TransformType::KE: return to_string(static_cast<KeGroup>(id));
    case TransformType::ESN: return to_string(static_cast<EsnId>(id));
  }
  return fmt::format("{}:{}", to_string(type), id);
}

}  // namespace tern::wire
