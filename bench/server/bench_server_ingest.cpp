// Snapshot ingest throughput of shouwei-server: snapshots verified and stored per second,
// sent by a load generator on loopback over keep-alive TLS connections on behalf of many
// simulated devices, compared with the bound measured in the same run: the Ed25519 verify
// rate of `openssl speed -seconds 3 ed25519` times the number of cores.
//
// Everything the generator can prepare (keys, enrollment, signed envelopes) is done before
// the clock starts; the timed phase is HTTPS requests only. Bounded in count and in time.
//
// Usage: bench_server_ingest [--devices N] [--per-device M] [--connections C] [--threads T]
//                             [--max-seconds S] [--db-dir DIR]
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <numeric>
#include <regex>
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
#include "shouwei/common/logging.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/https_server.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;

namespace {

// Verifications per second of one core, from `openssl speed`; 0 when it cannot be measured.
double openssl_ed25519_verify_rate() {
  FILE* p = popen("openssl speed -seconds 3 ed25519 2>/dev/null", "r");
  if (p == nullptr) return 0;
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  pclose(p);
  // " 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  41620.4  14082.3": sign/s then verify/s.
  std::smatch m;
  std::regex row(R"(EdDSA \(Ed25519\)\s+\S+s\s+\S+s\s+([0-9.]+)\s+([0-9.]+))");
  if (!std::regex_search(out, m, row)) return 0;
  return std::stod(m[2].str());
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

  void start(unsigned short port) {
    beast::get_lowest_layer(stream_).connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.handshake(ssl::stream_base::client);
    send();
  }

 private:
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
          if (ec) return self->fail_all();
          self->res_ = {};
          http::async_read(self->stream_, self->buffer_, self->res_,
                           [self](beast::error_code rec, std::size_t) {
                             if (rec) return self->fail_all();
                             (self->res_.result_int() == 200 ? self->ok_ : self->failed_)++;
                             self->send();
                           });
        });
  }
  // The request in flight and every one this connection had yet to send.
  void fail_all() {
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

}  // namespace

int main(int argc, char** argv) {
  int devices = 500;
  int per_device = 20;
  int connections = 16;
  int threads = static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency()));
  int max_seconds = 120;
  std::string db_dir;
  bool in_process = false;
  CLI::App app{"shouwei-server ingest benchmark"};
  app.add_option("--devices", devices)->check(CLI::Range(1, 100000));
  app.add_option("--per-device", per_device)->check(CLI::Range(1, 10000));
  app.add_option("--connections", connections)->check(CLI::Range(1, 1000));
  app.add_option("--threads", threads, "server threads")->check(CLI::Range(1, 256));
  app.add_option("--max-seconds", max_seconds)->check(CLI::Range(1, 3600));
  app.add_option("--db-dir", db_dir, "directory for the database (default: a temporary one)");
  app.add_flag("--in-process", in_process,
               "call the API directly from the server threads (no TLS, no HTTP)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("measuring the bound: openssl speed -seconds 3 ed25519 ...\n");
  const double verify_per_core = openssl_ed25519_verify_rate();

  TempDir tmp;
  const std::filesystem::path dir = db_dir.empty() ? tmp.path() : std::filesystem::path(db_dir);
  TestPki pki = make_test_pki(tmp.path());
  auto store = open_sqlite_store(dir / "bench-server.db").value();
  SystemClock clock;
  Metrics metrics;
  Api api(*store, clock, metrics, ApiOptions{});

  std::printf("preparing %d devices x %d snapshots (keys, enrollment, signatures) ...\n", devices,
              per_device);
  const std::string secret = create_enroll_secret(*store, clock, "bench", false, "cli")->text;
  std::vector<TestDevice> fleet;
  for (int i = 0; i < devices; ++i) {
    fleet.push_back(new_device());
    ApiRequest enroll{"POST",     "/api/v1/enroll", {}, {}, enroll_body(fleet.back(), secret),
                      "127.0.0.1"};
    if (api.handle(enroll).status != 200) {
      std::fprintf(stderr, "enrollment failed\n");
      return 1;
    }
  }
  // Interleaved so that consecutive requests come from different devices, seq growing per device.
  std::vector<std::string> envelopes;
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (int s = 1; s <= per_device; ++s) {
    for (const auto& d : fleet) {
      SnapshotSpec spec;
      spec.seq = s;
      spec.taken_at = now;
      envelopes.push_back(signed_envelope(d.key, snapshot_payload(d.id(), spec)));
    }
  }

  if (in_process) {
    // The server's share of the work alone: parse, verify, store, from `threads` threads.
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> stored{0};
    const auto t0 = std::chrono::steady_clock::now();
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
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("in-process: %zu stored in %.2f s = %.0f snapshots/s; bound %.0f/s; ratio %.1f%%\n",
                stored.load(), secs, stored.load() / secs, verify_per_core * cores,
                100.0 * stored.load() / secs / (verify_per_core * cores));
    return stored.load() == envelopes.size() ? 0 : 1;
  }

  HttpsOptions o;
  o.port = 0;
  o.tls_cert = pki.server_cert;
  o.tls_key = pki.server_key;
  o.threads = threads;
  auto server = HttpsServer::create(api, o);
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().message.c_str());
    return 1;
  }
  (*server)->start();

  // Each connection takes every C-th envelope, so a device's snapshots arrive in seq order
  // when C divides the fleet; otherwise a few may be answered 409 and are counted as failed.
  if (devices % connections != 0) connections = std::gcd(devices, connections);
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(pki.ca_cert.string());
  std::atomic<std::size_t> ok{0};
  std::atomic<std::size_t> failed{0};
  std::vector<std::shared_ptr<Connection>> conns;
  for (int c = 0; c < connections; ++c) {
    conns.push_back(std::make_shared<Connection>(io, ctx, envelopes, c, connections, ok, failed));
    conns.back()->start((*server)->port());
  }
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  io.run_for(std::chrono::seconds(max_seconds));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  (*server)->stop();
  (*server)->wait();

  const double rate = static_cast<double>(ok.load()) / seconds;
  const double bound = verify_per_core * cores;
  std::printf(
      "snapshots: %zu stored, %zu failed, in %.2f s over %d keep-alive TLS connections, %d server "
      "threads\n",
      ok.load(), failed.load(), seconds, connections, threads);
  std::printf("ingest rate:  %.0f snapshots/s (verified and stored, SQLite WAL synchronous=FULL)\n",
              rate);
  std::printf("bound:        %.0f verify/s per core x %u cores = %.0f/s (openssl speed ed25519)\n",
              verify_per_core, cores, bound);
  if (bound > 0) {
    std::printf("ratio:        %.1f%% of the bound (goal >= 50%%)\n", 100.0 * rate / bound);
  }
  // openssl speed divides by the CPU time it got; on a shared machine so must we, to compare
  // like with like. This counts the load generator's CPU against the server (conservative).
  const double per_cpu_second = static_cast<double>(ok.load()) / cpu_seconds;
  std::printf(
      "cpu:          %.2f CPU-s used by server + load generator = %.0f snapshots per CPU-s\n",
      cpu_seconds, per_cpu_second);
  if (bound > 0) {
    std::printf("cpu ratio:    %.1f%% of the per-core verify rate (%.0f/s)\n",
                100.0 * per_cpu_second / verify_per_core, verify_per_core);
  }
  return failed.load() == 0 ? 0 : 1;
}
