// `shouwei-agent media scan [--apply]`, the same on every platform: one decision per USB
// storage device present, printed as one JSON object per line. The platform supplies the ports.
#pragma once

#include <ostream>

#include "shouwei/collectors/media/media_gate.hpp"
#include "shouwei/collectors/usb/usb_bus.hpp"

namespace shouwei::collectors::media {

// Decides every device of bus (acts only when apply) and prints each decision to out. Returns
// an exit code (exit_codes.hpp): the bus's failure, printed as {"error": ...}; kExitFailure
// when apply in enforce mode and a decision could not be carried out; else kExitOk.
// Records nothing: a scan is an operator's look, not an event.
int scan_media(usb::UsbBus& bus, RawDeviceOpener& opener, DeviceGate& gate, GateSettings settings,
               bool apply, std::ostream& out);

}  // namespace shouwei::collectors::media
