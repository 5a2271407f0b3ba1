#include "shouwei/server/https_server.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include "shouwei/common/logging.hpp"

namespace shouwei::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr auto kShutdownTimeout = std::chrono::seconds(5);
// A file body (a category database, megabytes) may take longer than a request to send over a
// slow link; the deadline still bounds a client that stops reading.
constexpr auto kFileWriteTimeout = std::chrono::seconds(600);
class Session;
}  // namespace

struct HttpsServer::Impl {
  Impl(Api& a, const HttpsOptions& o)
      : api(a),
        options(o),
        ioc(o.threads),
        tls(ssl::context::tls_server),
        acceptor(asio::make_strand(ioc)),
        signals(acceptor.get_executor()) {}

  void accept();
  void add(Session* s, const std::shared_ptr<Session>& sp);
  void remove(Session* s);

  Api& api;
  HttpsOptions options;
  asio::io_context ioc;
  ssl::context tls;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::mutex sessions_mu;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::vector<std::thread> threads;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpsServer::Impl& server, tcp::socket socket, std::string peer)
      : server_(server), stream_(std::move(socket), server.tls), peer_(std::move(peer)) {}
  ~Session() { server_.remove(this); }

  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->handshake(); });
  }

  // Closes the connection if it is waiting for (or in the middle of receiving) a request;
  // a request being handled or answered finishes first.
  void stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (self->phase_ == Phase::handshake || self->phase_ == Phase::reading) {
        beast::get_lowest_layer(self->stream_).cancel();
      }
    });
  }

 private:
  enum class Phase { handshake, reading, handling, writing, closing };

  void handshake() {
    if (server_.stopping) return;
    beast::get_lowest_layer(stream_).expires_after(server_.options.request_timeout);
    stream_.async_handshake(
        ssl::stream_base::server,
        [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) {
      spdlog::debug("{}: TLS handshake: {}", peer_, ec.message());
      return;  // the socket closes with the session
    }
    read_request();
  }

  void read_request() {
    if (stopping_) return close();
    phase_ = Phase::reading;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The largest any route accepts; narrowed to the route's own limit once the headers are in.
    parser_->body_limit(std::max(server_.options.max_body_bytes, server_.api.largest_body_limit()));
    beast::get_lowest_layer(stream_).expires_after(server_.options.request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    const std::size_t limit =
        server_.api.body_limit(req.method_string(), req.target(), req[http::field::authorization]);
    if (auto declared = parser_->content_length(); declared && *declared > limit) {
      return on_read_error(http::error::body_limit);
    }
    parser_->body_limit(limit);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // curl and other clients wait for this before sending a body.
      continue_.emplace(http::status::continue_, req.version());
      http::async_write(stream_, *continue_,
                        [self = shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return self->on_read_error(wec);
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return respond(error_response(413, "body larger than max_body_bytes"), false);
    }
    if (ec == http::error::header_limit)
      return respond(error_response(431, "request headers too large"), false);
    const bool quiet = ec == http::error::end_of_stream || ec == http::error::partial_message ||
                       ec == asio::error::operation_aborted;
    if (!quiet && ec.category() == http::make_error_code(http::error::bad_target).category()) {
      return respond(error_response(400, "malformed HTTP request: " + ec.message()), false);
    }
    // Timeout, peer gone, stop(): nothing useful can be sent.
    if (!quiet) spdlog::debug("{}: read: {}", peer_, ec.message());
    close();
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto req = parser_->release();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.content_encoding = std::string(req[http::field::content_encoding]);
    request.body = std::move(req.body());
    request.peer = peer_;
    request.if_none_match = std::string(req[http::field::if_none_match]);
    request.device.device_id = std::string(req[device_auth::kDeviceHeader]);
    request.device.time = std::string(req[device_auth::kTimeHeader]);
    request.device.signature = std::string(req[device_auth::kSignatureHeader]);
    // The Api runs here, on this connection's strand: verification is CPU work the pool
    // spreads over the cores. An upload's answer comes later from the store's writer, once
    // the snapshot is durable, and is handed back to this strand; the executor counts as
    // outstanding work until then, so that the pool does not return (on stop()) before the
    // answer is sent.
    phase_ = Phase::handling;
    auto strand = asio::prefer(stream_.get_executor(), asio::execution::outstanding_work.tracked);
    server_.api.handle_async(std::move(request), [self = shared_from_this(), strand,
                                                  keep = req.keep_alive()](ApiResponse response) {
      asio::dispatch(strand, [self, keep, response = std::move(response)]() mutable {
        self->respond(std::move(response), keep);
      });
    });
  }

  void respond(ApiResponse r, bool keep_alive) {
    phase_ = Phase::writing;
    if (!r.file.empty()) {
      http::file_body::value_type file;
      beast::error_code ec;
      file.open(r.file.string().c_str(), beast::file_mode::scan, ec);
      if (!ec) {
        file_response_.emplace(static_cast<http::status>(r.status), 11);
        file_response_->body() = std::move(file);
        return write(*file_response_, r, keep_alive, kFileWriteTimeout);
      }
      spdlog::error("{}: {}: {}", peer_, r.file.string(), ec.message());
      r = error_response(404, "file not available");
    }
    response_.emplace(static_cast<http::status>(r.status), 11);
    response_->body() = std::move(r.body);
    write(*response_, r, keep_alive, server_.options.request_timeout);
  }

  // Sends response (its body already set) with r's headers within `deadline`, then reads the
  // next request or closes.
  template <typename Response>
  void write(Response& response, const ApiResponse& r, bool keep_alive,
             std::chrono::seconds deadline) {
    response.set(http::field::server, "shouwei-server");
    response.set(http::field::content_type, r.content_type);
    response.set(http::field::cache_control, "no-store");
    response.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : r.headers) response.set(name, value);
    response.keep_alive(keep_alive && !stopping_);
    response.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(
        std::max(deadline, server_.options.request_timeout));
    http::async_write(stream_, response,
                      [self = shared_from_this(), keep = response.keep_alive()](
                          beast::error_code ec, std::size_t) {
                        bool again = !ec && keep && !self->stopping_;
                        self->response_.reset();
                        self->file_response_.reset();
                        if (again) return self->read_request();
                        self->close();
                      });
  }

  void close() {
    if (phase_ == Phase::closing) return;
    phase_ = Phase::closing;
    beast::get_lowest_layer(stream_).expires_after(kShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  HttpsServer::Impl& server_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response<http::file_body>> file_response_;
  Phase phase_ = Phase::handshake;
  bool stopping_ = false;
};

}  // namespace

void HttpsServer::Impl::add(Session* s, const std::shared_ptr<Session>& sp) {
  std::lock_guard lock(sessions_mu);
  sessions.emplace(s, sp);
}

void HttpsServer::Impl::remove(Session* s) {
  std::lock_guard lock(sessions_mu);
  sessions.erase(s);
}

void HttpsServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      spdlog::warn("accept: {}", ec.message());  // e.g. out of file descriptors; keep serving
      return accept();
    }
    beast::error_code peer_ec;
    auto endpoint = socket.remote_endpoint(peer_ec);
    std::string peer = peer_ec ? std::string("unknown") : endpoint.address().to_string();
    auto session = std::make_shared<Session>(*this, std::move(socket), std::move(peer));
    add(session.get(), session);
    session->run();
    if (!stopping) accept();
  });
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() {
  if (!impl_->threads.empty()) {
    stop();
    wait();
  }
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::create(Api& api, const HttpsOptions& options) {
  auto impl = std::make_unique<Impl>(api, options);
  if (impl->options.threads < 1) impl->options.threads = 1;
  auto& tls = impl->tls;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(tls.native_handle(), "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return fail(Errc::crypto, "TLS context: cannot restrict protocol versions and ciphers");
  }
  beast::error_code ec;
  tls.use_certificate_chain_file(options.tls_cert.string(), ec);
  if (ec)
    return fail(Errc::crypto,
                options.tls_cert.string() + ": cannot load TLS certificate chain: " + ec.message());
  tls.use_private_key_file(options.tls_key.string(), ssl::context::pem, ec);
  if (ec)
    return fail(Errc::crypto,
                options.tls_key.string() + ": cannot load TLS private key: " + ec.message());
  if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
    return fail(Errc::crypto, options.tls_key.string() + ": does not match the certificate in " +
                                  options.tls_cert.string());
  }

  const std::string where = options.host + ":" + std::to_string(options.port);
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return fail(Errc::invalid_argument, "listen " + where + ": not an IP address");
  tcp::endpoint endpoint(address, options.port);
  auto& acc = impl->acceptor;
  if (acc.open(endpoint.protocol(), ec); ec)
    return fail(Errc::io, "listen " + where + ": socket: " + ec.message());
  acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (acc.bind(endpoint, ec); ec)
    return fail(Errc::io, "listen " + where + ": bind: " + ec.message());
  if (acc.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail(Errc::io, "listen " + where + ": listen: " + ec.message());
  }
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

unsigned short HttpsServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpsServer::stop_on_signals() {
  impl_->signals.add(SIGTERM);
  impl_->signals.add(SIGINT);
  impl_->signals.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: finishing in-flight requests, then exiting", signal);
    stop();
  });
}

void HttpsServer::start() {
  impl_->accept();
  for (int i = 0; i < impl_->options.threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void HttpsServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->signals.cancel(ignored);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(impl_->sessions_mu);
    for (auto& [raw, weak] : impl_->sessions) {
      (void)raw;
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->stop();
}

void HttpsServer::wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

}  // namespace shouwei::server
