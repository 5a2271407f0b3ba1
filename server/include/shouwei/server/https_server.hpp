// The HTTPS transport: Boost.Beast over OpenSSL (TLS 1.2 or newer only) on an Asio thread
// pool, feeding every request to an Api.
//
// Limits enforced before the Api sees a request: a body whose declared length exceeds
// max_body_bytes is answered 413 from its headers alone (and a chunked body is cut at the
// cap); each TLS handshake and each request, from the moment the server starts waiting for it
// until its last byte, must complete within request_timeout or the connection is closed.
//
// Shutdown (stop()): the listener closes, connections waiting for a request are closed,
// requests already being handled finish and get their response, then the connection closes;
// the threads return once no connection remains.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "shouwei/common/result.hpp"
#include "shouwei/server/api.hpp"

namespace shouwei::server {

struct HttpsOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8443;  // 0: an ephemeral port (tests); see HttpsServer::port()
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::size_t max_body_bytes = 4u * 1024u * 1024u;
  std::chrono::seconds request_timeout{30};
  int threads = 1;
};

class HttpsServer {
 public:
  // Loads the certificate and key and binds the listening socket. Fails naming the file or
  // the address.
  static Result<std::unique_ptr<HttpsServer>> create(Api& api, const HttpsOptions& options);
  ~HttpsServer();

  unsigned short port() const;  // the bound port
  // Starts accepting on `threads` threads. REQUIRES: called once.
  void start();
  // Makes SIGTERM and SIGINT call stop(). REQUIRES: before start().
  void stop_on_signals();
  // Graceful stop as described above. Thread-safe, idempotent, does not block.
  void stop();
  // Blocks until every thread has returned (after stop()).
  void wait();

  struct Impl;

 private:
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shouwei::server
