// Test driver for the interoperability tests: exposes our key generation, DSSE signing and
// verification to scripts that check them against independent implementations.
//   dsse_interop_helper keygen ALG PREFIX          -> PREFIX.key, PREFIX.pub; prints keyid
//   dsse_interop_helper sign KEY TYPE PAYLOAD_FILE -> envelope JSON on stdout
//   dsse_interop_helper verify PUB ENVELOPE_FILE   -> exit 0 when valid, 1 with the reason
//   dsse_interop_helper canonicalize FILE          -> each line of FILE (one JSON document per
//                                                     line) in RFC 8785 form, or "error: ..."
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/os/files.hpp"

using namespace shouwei;

namespace {
int report(const Error& e) {
  std::cerr << e.message << '\n';
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"DSSE interoperability test driver"};
  app.require_subcommand(1);
  std::string alg_name, prefix, key_file, payload_type, input_file;

  CLI::App* keygen = app.add_subcommand("keygen");
  keygen->add_option("alg", alg_name)->required();
  keygen->add_option("prefix", prefix)->required();
  CLI::App* sign = app.add_subcommand("sign");
  sign->add_option("key", key_file)->required();
  sign->add_option("type", payload_type)->required();
  sign->add_option("payload", input_file)->required();
  CLI::App* verify = app.add_subcommand("verify");
  verify->add_option("pub", key_file)->required();
  verify->add_option("envelope", input_file)->required();
  CLI::App* canonicalize = app.add_subcommand("canonicalize");
  canonicalize->add_option("lines", input_file)->required();
  CLI11_PARSE(app, argc, argv);

  if (canonicalize->parsed()) {
    auto text = read_file(input_file);
    if (!text) return report(text.error());
    std::string_view rest = *text;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      auto line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      auto canonical = json::canonicalize_text(line);
      std::cout << (canonical ? *canonical : "error: " + canonical.error().message) << '\n';
    }
    return 0;
  }

  if (keygen->parsed()) {
    auto alg = parse_key_algorithm(alg_name);
    if (!alg) return report(alg.error());
    auto key = PrivateKey::generate(*alg);
    if (!key) return report(key.error());
    if (auto r = key->save(prefix + ".key"); !r) return report(r.error());
    auto pub =
        os::write_file_new(prefix + ".pub", key->public_key().to_pem(), os::FileMode::public_read);
    if (!pub) return report(pub.error());
    std::cout << key->keyid() << '\n';
    return 0;
  }
  if (sign->parsed()) {
    auto key = PrivateKey::load(key_file);
    if (!key) return report(key.error());
    auto payload = read_file(input_file);
    if (!payload) return report(payload.error());
    auto env = dsse::sign(payload_type, *payload, *key);
    if (!env) return report(env.error());
    std::cout << dsse::serialize(*env) << '\n';
    return 0;
  }
  auto key = PublicKey::load(key_file);
  if (!key) return report(key.error());
  auto text = read_file(input_file);
  if (!text) return report(text.error());
  auto env = dsse::parse(*text);
  if (!env) return report(env.error());
  if (auto r = dsse::verify(*env, *key); !r) return report(r.error());
  std::cout << "verified " << key->keyid() << '\n';
  return 0;
}
