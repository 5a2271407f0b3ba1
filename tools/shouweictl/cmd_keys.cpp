// shouweictl keygen / verify: make a signing key pair, and check a DSSE envelope offline
// against a public key (what an auditor does with a stored snapshot).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/os/files.hpp"

namespace shouwei::ctl {

namespace {

// Envelopes larger than this are refused before parsing (snapshots are far smaller).
constexpr std::size_t kMaxEnvelopeBytes = 16u * 1024u * 1024u;

Result<std::string> read_stdin(std::size_t max_bytes) {
  std::string data;
  char buf[64 * 1024];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(std::cin.gcount()));
    if (data.size() > max_bytes) {
      return fail(Errc::limit_exceeded, "standard input: larger than the limit of " +
                                            std::to_string(max_bytes) + " bytes");
    }
  }
  if (std::cin.bad()) return fail(Errc::io, "standard input: read failed");
  return data;
}

struct KeygenOptions {
  std::string algorithm = "ed25519";
  std::string prefix;
};

void run_keygen(const KeygenOptions& opt) {
  auto alg = parse_key_algorithm(opt.algorithm);
  if (!alg) exit_with("keygen", kExitUsage, alg.error().message);
  const std::filesystem::path key_path = opt.prefix + ".key";
  const std::filesystem::path pub_path = opt.prefix + ".pub";
  // Checked up front so that neither file is written when either exists; the writes below
  // are exclusive as well, so a file created meanwhile is still never replaced.
  std::error_code ec;
  for (const auto& p : {key_path, pub_path}) {
    if (std::filesystem::exists(std::filesystem::symlink_status(p, ec))) {
      exit_with("keygen", kExitFailure, p.string() + ": already exists, not overwritten");
    }
  }
  auto key = PrivateKey::generate(*alg);
  if (!key) exit_with("keygen", exit_code_for(key.error().code), key.error().message);
  if (auto r = key->save(key_path); !r)
    exit_with("keygen", exit_code_for(r.error().code), r.error().message);
  if (auto r = os::write_file_new(pub_path, key->public_key().to_pem(), os::FileMode::public_read);
      !r) {
    exit_with("keygen", exit_code_for(r.error().code), r.error().message);
  }
  std::cout << "wrote " << key_path.string() << " (private, owner-only) and " << pub_path.string()
            << '\n'
            << "algorithm: " << to_string(key->algorithm()) << '\n'
            << "keyid: " << key->keyid() << '\n';
}

struct VerifyOptions {
  std::string key_file;
  std::string input = "-";
  std::string expected_type;
};

void run_verify(const VerifyOptions& opt) {
  auto key = PublicKey::load(opt.key_file);
  if (!key) exit_with("verify", exit_code_for(key.error().code), key.error().message);

  auto text =
      opt.input == "-" ? read_stdin(kMaxEnvelopeBytes) : read_file(opt.input, kMaxEnvelopeBytes);
  if (!text) exit_with("verify", exit_code_for(text.error().code), text.error().message);

  const std::string source = opt.input == "-" ? "standard input" : opt.input;
  auto env = dsse::parse(*text, kMaxEnvelopeBytes);
  if (!env) exit_with("verify", kExitVerify, source + ": " + env.error().message);
  if (auto r = dsse::verify(*env, *key, opt.expected_type); !r) {
    exit_with("verify", kExitVerify, source + ": " + r.error().message);
  }
  std::cout << "OK: signature verified\n"
            << "payload type: " << env->payload_type << '\n'
            << "keyid: " << key->keyid() << " (" << to_string(key->algorithm()) << ")\n";
}

}  // namespace

void add_key_commands(CLI::App& app) {
  auto keygen = std::make_shared<KeygenOptions>();
  CLI::App* kg = app.add_subcommand(
      "keygen", "Generate a signing key pair: PREFIX.key (private, 0600) and PREFIX.pub");
  kg->add_option("--alg", keygen->algorithm, "Key algorithm")
      ->check(CLI::IsMember({"ed25519", "p256", "sm2"}))
      ->capture_default_str();
  kg->add_option("--out", keygen->prefix, "Output prefix; existing files are never overwritten")
      ->required();
  kg->callback([keygen] { run_keygen(*keygen); });

  auto verify = std::make_shared<VerifyOptions>();
  CLI::App* vf = app.add_subcommand(
      "verify",
      "Verify a DSSE envelope against a public key. Exit 0 when valid, 4 when the envelope is "
      "malformed "
      "or its signature does not verify, other codes when a file cannot be read");
  vf->add_option("--key", verify->key_file, "Public key (PEM SubjectPublicKeyInfo)")->required();
  vf->add_option("--type", verify->expected_type, "Also require this payloadType");
  vf->add_option("envelope", verify->input, "Envelope file, or - for standard input")
      ->capture_default_str();
  vf->callback([verify] { run_verify(*verify); });
}

}  // namespace shouwei::ctl
