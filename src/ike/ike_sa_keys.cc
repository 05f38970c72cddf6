// Installing an IKE SA's keys (see ike_sa_keys.h).
#include "ike/ike_sa_keys.h"

#include "crypto/keylog.h"
#include "ike/ike_sa.h"

namespace tern::ike {

Result<void> install_ike_sa_keys(IkeSa& sa, const crypto::IkeSuite& suite, crypto::IkeSaKeys keys,
                                 bool keylog, std::vector<Effect>& effects) {
  Result<crypto::Prf> prf = crypto::Prf::create(suite.prf);
  if (!prf) return fail(Errc::unsupported, "PRF unavailable for " + suite.to_string());
  const crypto::IkeSaKeys& k = keys;
  const bool i = sa.is_initiator();
  auto out = crypto::SkCipher::create(suite.encr, suite.encr_key_bits, suite.integ,
                                      (i ? k.SK_ei : k.SK_er).view(), (i ? k.SK_ai : k.SK_ar).view());
  auto in = crypto::SkCipher::create(suite.encr, suite.encr_key_bits, suite.integ,
                                     (i ? k.SK_er : k.SK_ei).view(), (i ? k.SK_ar : k.SK_ai).view());
  if (!out || !in) return fail(Errc::unsupported, "SK cipher unavailable for " + suite.to_string());
  sa.sk_out = std::move(*out);
  sa.sk_in = std::move(*in);
  sa.prf = *prf;
  sa.suite = suite;
  if (keylog) {
    Result<std::string> line =
        crypto::format_keylog_line(sa.spi_i, sa.spi_r, suite, k.SK_ei, k.SK_er, k.SK_ai, k.SK_ar);
    if (line) effects.push_back(Keylog{std::move(*line)});
  }
  sa.sk_d = keys.SK_d;
  sa.setup().keys = std::move(keys);
  return {};
}

}  // namespace tern::ike
