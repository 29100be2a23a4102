import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where webhooks may go. A workflow's events must not become a way to probe the network
/// Parcours runs in: an endpoint whose host is, or resolves to, a loopback, private,
/// link-local, shared, multicast or reserved address is refused, unless the deployment
/// names that host in `--allow-webhook-hosts` (as the tests do for their receiver on
/// 127.0.0.1). The check runs when an endpoint is added and again before every delivery,
/// since a name may resolve elsewhere later. Redirects are never followed.
public struct WebhookAddressPolicy: Sendable {
    /// Host names or address literals allowed whatever they resolve to, lowercased.
    public var allowedHosts: Set<String>

    public init(allowedHosts: some Sequence<String> = []) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[] ")) }.filter { !$0.isEmpty })
    }

    /// `$PARCOURS_ALLOW_WEBHOOK_HOSTS`, comma-separated, when no option is given.
    public static func from(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> WebhookAddressPolicy {
        let text = option ?? environment["PARCOURS_ALLOW_WEBHOOK_HOSTS"] ?? ""
        return WebhookAddressPolicy(allowedHosts: text.split(separator: ",").map(String.init))
    }

    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// The URL's form: http or https, a host, no user or password in it.
    public static func parse(_ text: String) throws -> URLComponents {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw Refusal(description: "'\(text)' is not an http or https URL")
        }
        guard let host = url.host, !host.isEmpty else { throw Refusal(description: "'\(text)' names no host") }
        guard url.user == nil, url.password == nil else {
            throw Refusal(description: "'\(text)' carries a user or a password; the signature authenticates deliveries")
        }
        return url
    }

    /// Refuses the URL unless its host is allowed or every address it resolves to is public.
    public func check(_ text: String) throws {
        let url = try Self.parse(text)
        let host = (url.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if allowedHosts.contains(host) { return }
        let addresses = try Self.resolve(host)
        guard !addresses.isEmpty else { throw Refusal(description: "the host \(host) of '\(text)' does not resolve") }
        for address in addresses where !Self.isPublic(address) {
            throw Refusal(description: "the host \(host) of '\(text)' is \(Self.text(address)), an internal address; webhooks go to public addresses unless the deployment allows the host (--allow-webhook-hosts \(host))")
        }
    }

    /// The addresses of a host name or literal, as 4 or 16 bytes each.
    static func resolve(_ host: String) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw Refusal(description: "the host \(host) does not resolve (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(first) }
        var result: [[UInt8]] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                        withUnsafeBytes(of: ipv4.pointee.sin_addr) { result.append(Array($0)) }
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ipv6 in
                        withUnsafeBytes(of: ipv6.pointee.sin6_addr) { result.append(Array($0)) }
                    }
                default:
                    break
                }
            }
            node = entry.pointee.ai_next
        }
        return result
    }

    /// Whether an address may be reached from outside: not loopback, private (RFC 1918, ULA),
    /// link-local, shared (100.64/10), unspecified, multicast, documentation or reserved.
    static func isPublic(_ address: [UInt8]) -> Bool {
        if address.count == 4 { return isPublicIPv4(address) }
        guard address.count == 16 else { return false }
        if address[0..<10].allSatisfy({ $0 == 0 }) && address[10] == 0xff && address[11] == 0xff {
            return isPublicIPv4(Array(address[12..<16]))        // ::ffff:a.b.c.d
        }
        if address[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isPublicIPv4(Array(address[12..<16]))        // 64:ff9b::/96 (NAT64)
        }
        if address[0..<12].allSatisfy({ $0 == 0 }) { return false } // ::, ::1 and the deprecated ::a.b.c.d
        if address[0] == 0x20 && address[1] == 0x02 {                 // 2002::/16 (6to4): the IPv4 inside
            return isPublicIPv4(Array(address[2..<6]))
        }
        if address[0..<6] == [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] { return false } // 64:ff9b:1::/48 (local NAT64)
        if address[0] == 0xfe && address[1] & 0xc0 == 0xc0 { return false }        // fec0::/10 (site-local)
        if address[0] & 0xfe == 0xfc { return false }           // fc00::/7
        if address[0] == 0xfe && address[1] & 0xc0 == 0x80 { return false } // fe80::/10
        if address[0] == 0xff { return false }                  // multicast
        if address[0] == 0x20 && address[1] == 0x01 && address[2] == 0x0d && address[3] == 0xb8 { return false } // documentation
        return true
    }

    static func isPublicIPv4(_ a: [UInt8]) -> Bool {
        switch (a[0], a[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false
        case (169, 254): return false
        case (172, 16...31): return false
        case (192, 168): return false
        case (192, 0) where a[2] == 0 || a[2] == 2: return false
        case (192, 88) where a[2] == 99: return false                 // 6to4 relay anycast
        case (198, 18...19): return false
        case (198, 51) where a[2] == 100: return false
        case (203, 0) where a[2] == 113: return false
        case (224..., _): return false                       // multicast, reserved, broadcast
        default: return true
        }
    }

    static func text(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: address.count, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
