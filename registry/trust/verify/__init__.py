"""The certificate verification engine; its public face is `engine` (`verify_certificate`)."""
