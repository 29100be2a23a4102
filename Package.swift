// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Parcours",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Workflow", targets: ["Workflow"]),
    ],
    targets: [
        .target(name: "Workflow"),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow"]),
    ]
)
