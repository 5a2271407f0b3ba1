// Snapshot ingest throughput of shouwei-server (see bench/README.md and bench/server/run.sh,
// which drives the three steps below and compares the result with `openssl speed ed25519`).
//
//   prepare  --dir D --devices N --per-device M [--threads T]
//            Everything the load generator can do ahead of time: a throwaway PKI, the server's
//            SQLite database with N enrolled Ed25519 devices, N*M signed snapshot envelopes
//            (D/envelopes.jsonl, one per line, interleaved so that consecutive envelopes come
//            from different devices and each device's seq grows), and D/server.toml for the
//            real `shouwei-server serve` on a free loopback port.
//   load     --dir D --connections C [--max-seconds S]
//            The load generator, a process of its own so that the server's CPU time can be
//            measured apart from it: sends every envelope over C keep-alive TLS connections
//            (TLS 1.3, CA pinned) and prints one line of key=value figures, its own CPU included.
//   api      --dir D --threads T
//            The server's request handling alone (no TLS, no HTTP): the Api called from T
//            threads on a copy of the prepared database. For profiling.
//
// Bounded: the generator stops after --max-seconds whatever happens.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server_test_support.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/api.hpp"
#include "shouwei/server/config.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxEnvelopesFileBytes = std::size_t{1} << 31;

double cpu_seconds_since(std::clock_t start) {
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// A loopback port nobody listens on right now (the server binds it moments later).
unsigned short free_loopback_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::vector<std::string> read_envelopes(const fs::path& dir) {
  auto text = read_file(dir / "envelopes.jsonl", kMaxEnvelopesFileBytes);
  if (!text) throw std::runtime_error(text.error().message);
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < text->size()) {
    std::size_t end = text->find('\n', begin);
    if (end == std::string::npos) end = text->size();
    out.emplace_back(text->substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

int prepare(const fs::path& dir, int devices, int per_device, int threads) {
  fs::create_directories(dir);
  TestPki pki = make_test_pki(dir);
  auto store = open_sqlite_store(dir / "server.db");
  if (!store) throw std::runtime_error(store.error().message);
  SystemClock clock;
  Metrics metrics;
  Api api(**store, clock, metrics, ApiOptions{});
  const std::string secret = create_enroll_secret(**store, clock, "bench", false, "cli")->text;
  std::vector<TestDevice> fleet;
  for (int i = 0; i < devices; ++i) {
    fleet.push_back(new_device());
    ApiRequest enroll{"POST",     "/api/v1/enroll", {}, {}, enroll_body(fleet.back(), secret),
                      "127.0.0.1"};
    if (api.handle(enroll).status != 200) throw std::runtime_error("enrollment failed");
  }
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::ofstream out(dir / "envelopes.jsonl", std::ios::binary | std::ios::trunc);
  for (int s = 1; s <= per_device; ++s) {
    for (const auto& d : fleet) {
      SnapshotSpec spec;
      spec.seq = s;
      spec.taken_at = now;
      out << signed_envelope(d.key, snapshot_payload(d.id(), spec)) << '\n';
    }
  }
  out.close();
  const unsigned short port = free_loopback_port();
  std::ofstream config(dir / "server.toml", std::ios::trunc);
  config << "listen = \"127.0.0.1:" << port << "\"\n"
         << "tls_cert = \"server.pem\"\ntls_key = \"server.key\"\ndatabase = \"server.db\"\n"
         << "threads = " << threads << "\nlog_level = \"warn\"\n";
  if (!out || !config)
    throw std::runtime_error("cannot write the prepared files in " + dir.string());
  std::printf("prepared %d devices x %d snapshots in %s (port %u)\n", devices, per_device,
              dir.c_str(), port);
  return 0;
}

// One keep-alive TLS connection sending its share of the envelopes one after the other.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, ssl::context& ctx, const std::vector<std::string>& envelopes,
             std::size_t first, std::size_t step, std::atomic<std::size_t>& ok,
             std::atomic<std::size_t>& failed)
      : stream_(io, ctx),
        envelopes_(envelopes),
        next_(first),
        step_(step),
        ok_(ok),
        failed_(failed) {}

  void start(const asio::ip::tcp::endpoint& server) {
    beast::get_lowest_layer(stream_).connect(server);
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.handshake(ssl::stream_base::client);
  }

  void send() {
    if (next_ >= envelopes_.size()) return;
    req_ = {http::verb::post, "/api/v1/snapshots", 11};
    req_.set(http::field::host, "localhost");
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    req_.body() = envelopes_[next_];
    req_.prepare_payload();
    next_ += step_;
    http::async_write(
        stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) return self->fail_all(ec.message());
          self->res_ = {};
          http::async_read(self->stream_, self->buffer_, self->res_,
                           [self](beast::error_code rec, std::size_t) {
                             if (rec) return self->fail_all(rec.message());
                             if (self->res_.result_int() == 200) {
                               self->ok_++;
                             } else {
                               self->failed_++;
                               std::fprintf(stderr, "answered %d: %s\n", self->res_.result_int(),
                                            self->res_.body().c_str());
                             }
                             self->send();
                           });
        });
  }

 private:
  // The request in flight and every one this connection had yet to send.
  void fail_all(const std::string& why) {
    std::fprintf(stderr, "connection failed: %s\n", why.c_str());
    std::size_t lost = 1;
    for (; next_ < envelopes_.size(); next_ += step_) ++lost;
    failed_ += lost;
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  const std::vector<std::string>& envelopes_;
  std::size_t next_;
  std::size_t step_;
  std::atomic<std::size_t>& ok_;
  std::atomic<std::size_t>& failed_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

int load(const fs::path& dir, int connections, int max_seconds) {
  auto config = load_config(dir / "server.toml");
  if (!config) throw std::runtime_error(config.error().message);
  const std::vector<std::string> envelopes = read_envelopes(dir);
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file((dir / "ca.pem").string());
  const asio::ip::tcp::endpoint server(asio::ip::make_address(config->listen_host),
                                       config->listen_port);
  std::atomic<std::size_t> ok{0};
  std::atomic<std::size_t> failed{0};
  // Each connection takes every C-th envelope: a device's snapshots stay in seq order on one
  // connection when C divides the number of devices (prepare interleaves them).
  std::vector<std::shared_ptr<Connection>> conns;
  for (int c = 0; c < connections; ++c) {
    conns.push_back(std::make_shared<Connection>(io, ctx, envelopes, static_cast<std::size_t>(c),
                                                 static_cast<std::size_t>(connections), ok,
                                                 failed));
    conns.back()->start(server);  // connected and handshaken before the clock starts
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (auto& c : conns) c->send();
  io.run_for(std::chrono::seconds(max_seconds));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("stored=%zu failed=%zu seconds=%.3f generator_cpu_seconds=%.3f connections=%d\n",
              ok.load(), failed.load(), seconds, cpu_seconds_since(cpu_start), connections);
  return ok.load() == envelopes.size() ? 0 : 1;
}

int api_only(const fs::path& dir, int threads) {
  const fs::path db = dir / "api-only.db";
  fs::copy_file(dir / "server.db", db, fs::copy_options::overwrite_existing);
  fs::remove(fs::path(db.string() + "-wal"));
  auto store = open_sqlite_store(db);
  if (!store) throw std::runtime_error(store.error().message);
  const std::vector<std::string> envelopes = read_envelopes(dir);
  SystemClock clock;
  Metrics metrics;
  Api api(**store, clock, metrics, ApiOptions{});
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> stored{0};
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < envelopes.size(); i = next++) {
        ApiRequest r{"POST", "/api/v1/snapshots", {}, {}, envelopes[i], "127.0.0.1"};
        if (api.handle(r).status == 200) stored++;
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("stored=%zu seconds=%.3f cpu_seconds=%.3f threads=%d\n", stored.load(), seconds,
              cpu_seconds_since(cpu_start), threads);
  return stored.load() == envelopes.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shouwei-server ingest benchmark (driven by bench/server/run.sh)"};
  app.require_subcommand(1);
  std::string dir;
  int devices = 1000;
  int per_device = 20;
  int threads = 0;
  int connections = 100;
  int max_seconds = 300;
  auto* prep = app.add_subcommand("prepare", "keys, enrollment, signed envelopes, server.toml");
  prep->add_option("--dir", dir)->required();
  prep->add_option("--devices", devices)->check(CLI::Range(1, 100000));
  prep->add_option("--per-device", per_device)->check(CLI::Range(1, 10000));
  prep->add_option("--threads", threads, "server.toml threads (0: the server's default)")
      ->check(CLI::Range(0, 256));
  auto* gen = app.add_subcommand("load", "send every prepared envelope over keep-alive TLS");
  gen->add_option("--dir", dir)->required();
  gen->add_option("--connections", connections)->check(CLI::Range(1, 1000));
  gen->add_option("--max-seconds", max_seconds)->check(CLI::Range(1, 3600));
  auto* api = app.add_subcommand("api", "the Api alone, in-process, from --threads threads");
  api->add_option("--dir", dir)->required();
  api->add_option("--threads", threads)->check(CLI::Range(1, 256));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  try {
    if (*prep) return prepare(dir, devices, per_device, threads);
    if (*gen) return load(dir, connections, max_seconds);
    return api_only(dir, std::max(threads, 1));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_server_ingest: %s\n", e.what());
    return 1;
  }
}
