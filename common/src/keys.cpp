// Implemented in the [foundation] crypto work; see the header.
