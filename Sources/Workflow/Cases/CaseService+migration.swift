import Foundation

extension CaseService {
    /// Moves the open cases of a workflow to another of its published versions (language
    /// brief, "Moving running cases to a new version"): designers, supervisors who know the
    /// workflow's cases, and operators. Each case is judged on its own read and written in its
    /// own transaction, checked against the version it was read at: a case that changed
    /// meanwhile is read and judged again, never moved from a stale read. A case that fits
    /// moves (`WorkflowEngine.migrate`); one that does not stays on its version, escalated
    /// `migration-misfit` with the reasons. Cases already on the version are not touched, so a
    /// migration interrupted midway finishes the rest when run again. A dry run writes nothing.
    public func migrate(_ request: MigrationRequest, by caller: CaseCaller) async throws -> MigrationReport {
        let target = try await migrationTarget(request, by: caller)
        let open = try await store.openCases(workflow: request.workflow, notOn: request.toVersion, state: request.state, after: request.after)
        let ids = request.limit.map { Array(open.prefix(max(0, $0))) } ?? open
        var report = MigrationReport(workflow: request.workflow, toVersion: request.toVersion, mapping: request.mapping,
                                     dryRun: request.dryRun, items: [])
        report.remaining = open.count - ids.count
        report.items.reserveCapacity(ids.count)
        // One engine for the target and one definition per former version, for every case.
        let newEngine = engine(target)
        if request.dryRun {
            var formerVersions: [Int: WorkflowDefinition] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let found = try await store.snapshots(chunk)
                for id in chunk {
                    guard let snapshot = found[id] else { continue }
                    let old: WorkflowDefinition
                    if let known = formerVersions[snapshot.workflowVersion] {
                        old = known
                    } else {
                        old = try await catalog.definition(id: snapshot.workflowID, version: snapshot.workflowVersion)
                        formerVersions[snapshot.workflowVersion] = old
                    }
                    let reasons = newEngine.misfits(of: snapshot, from: old, mapping: request.mapping)
                    let escalated = snapshot.tasks.contains { $0.escalation?.reason == EscalationReason.migrationMisfit.rawValue }
                    report.items.append(.init(caseID: id, fromVersion: snapshot.workflowVersion, state: snapshot.state,
                                              outcome: reasons.isEmpty ? .fits : escalated ? .alreadyEscalated : .misfit, reasons: reasons))
                }
            }
            if report.remaining > 0 { report.after = ids.last }
            return report
        }
        let clock = ContinuousClock()
        let stop = request.budget.map { clock.now.advanced(by: $0) }
        var handled = 0
        for id in ids {
            // A caller that gave up (a request past its deadline), or a budget spent, stops
            // here; the cases not reached are left for the next call, like those beyond `limit`.
            guard !Task.isCancelled, handled == 0 || stop.map({ clock.now < $0 }) ?? true else {
                report.remaining += ids.count - handled
                break
            }
            report.items.append(await migrateOne(id, to: target, with: newEngine, request: request, by: caller))
            handled += 1
        }
        if report.remaining > 0, handled > 0 { report.after = ids[handled - 1] }
        return report
    }

    /// One case: read, judged, written in one transaction (see `migrate`). A case that changed
    /// meanwhile is read and judged again by the store (`CaseStore.attempts` times) before it
    /// is reported failed, for a later run.
    private func migrateOne(_ id: UUID, to target: WorkflowDefinition, with newEngine: WorkflowEngine, request: MigrationRequest,
                            by caller: CaseCaller) async -> MigrationReport.Item {
        let actor = caller.actor
        var item = MigrationReport.Item(caseID: id, fromVersion: 0, state: "", outcome: .failed, reasons: [])
        do {
            _ = try await store.change(id, expectedVersion: nil, via: caller.via) { record, old in
                let snapshot = record.snapshot
                item.fromVersion = snapshot.workflowVersion
                item.state = snapshot.state
                item.reasons = []
                guard !snapshot.status.isClosed, snapshot.workflowVersion != target.version.value else {
                    throw MigrationSkip(message: snapshot.status.isClosed ? "closed meanwhile" : "already on version \(target.version.value)")
                }
                if let state = request.state, snapshot.state != state {
                    throw MigrationSkip(message: "no longer in state '\(state)'")
                }
                let reasons = newEngine.misfits(of: snapshot, from: old, mapping: request.mapping)
                item.reasons = reasons
                if reasons.isEmpty {
                    item.outcome = .migrated
                    return CaseStore.Prepared(actor: actor, decide: { snapshot, _, now in
                        newEngine.migrate(snapshot, from: old, mapping: request.mapping, actor: actor, now: now)
                    })
                }
                item.outcome = .misfit
                return CaseStore.Prepared(actor: actor, decide: { snapshot, oldEngine, now in
                    oldEngine.escalateMisfit(snapshot, toVersion: target.version.value, reasons: reasons,
                                             mapping: request.mapping, actor: actor, now: now)
                })
            }
            return item
        } catch let skip as MigrationSkip {
            item.outcome = .skipped
            item.message = skip.message
            return item
        } catch let error as StoreError where error.code == .conflict {
            item.outcome = .failed
            item.message = "the case kept changing while it was being moved; run the migration again for it"
            return item
        } catch let error as StoreError where error.refusal?.code == .misfitAlreadyEscalated {
            item.outcome = .alreadyEscalated
            return item
        } catch let error as StoreError where error.code == .notFound {
            item.outcome = .skipped
            item.message = "no longer found"
            return item
        } catch {
            item.outcome = .failed
            item.message = "\(error)"
            return item
        }
    }

    /// Every problem of a migration request (its version, its mapping, its state filter),
    /// moving nothing: [] when `migrate` would accept it. A caller who may not is refused as
    /// by `migrate`. For a front-end that found problems of its own (a mapping it could not
    /// read) and gives them all at once.
    public func migrationProblems(_ request: MigrationRequest, by caller: CaseCaller) async throws -> [CaseFailure.Problem] {
        do {
            _ = try await migrationTarget(request, by: caller)
            return []
        } catch let failure as CaseFailure where failure.code == .invalid
            || failure.refusal == .versionNotPublished {
            return failure.problems
        }
    }

    /// The version cases move to, once the caller is known to be allowed and the request to
    /// make sense; every problem of the request at once.
    /// With `authorized`, the caller's right was settled already (an agent of the queue holding
    /// a case's misfit escalation, settling it).
    func migrationTarget(_ request: MigrationRequest, by caller: CaseCaller, authorized: Bool = false) async throws -> WorkflowDefinition {
        let versions = try await WorkflowRepository(database).list().filter { $0.id == request.workflow }
        // Who may, decided on the workflow's latest version whatever the version asked: an
        // agent who may not know the workflow learns nothing of its versions (the same 404,
        // in the words of the diff's), one who may know it but not move its cases gets 403.
        let hidden = CaseFailure(.notFound, "no workflow '\(request.workflow)' version \(request.toVersion) that you may see is published",
                                 problems: [.init("no such version that you may see", pointer: "/to_version")])
        switch caller.kind {
        case .operatorUser:
            break
        case .agent where authorized:
            break
        case .agent(let agent):
            guard let latest = versions.last else { throw hidden }
            let knows = CaseAccess(agent: agent, definition: try await catalog.definition(id: request.workflow, version: latest.version)).mayListCases
            guard agent.designer || knows else { throw hidden }
            guard agent.designer || agent.supervisor else {
                throw CaseFailure(.forbidden, "only designers and supervisors move the cases of a workflow to another version; "
                                  + "a case that did not fit is settled by them or by the agents of the queue holding its migration-misfit escalation")
            }
        case .citizen:
            throw hidden
        }
        var target: WorkflowDefinition?
        if versions.contains(where: { $0.version == request.toVersion }) {
            target = try await catalog.definition(id: request.workflow, version: request.toVersion)
        }
        // The other versions' states, which the mapping's keys and the state filter must name
        // (read only when there is one to check: settling a case names neither).
        var former: Set<String> = []
        let checksNames = !request.mapping.entries.isEmpty || request.state != nil
        for summary in versions where checksNames && summary.version != request.toVersion {
            let definition = try await catalog.definition(id: summary.id, version: summary.version)
            for state in definition.states {
                former.insert(state.id.value)
                if case .parallel(let parallel) = state.kind {
                    for track in parallel.tracks { former.formUnion(track.states.map { "\(track.id.value).\($0.id.value)" }) }
                }
            }
        }
        var problems: [CaseFailure.Problem] = []
        if target == nil {
            problems.append(.init("no version \(request.toVersion) of workflow '\(request.workflow)' is published", pointer: "/to_version"))
        }
        problems += target.map { request.mapping.problems(in: $0).map { CaseFailure.Problem($0, pointer: "/map") } } ?? []
        for key in request.mapping.entries.keys.sorted() where !former.contains(key) {
            problems.append(.init("'\(key)' is not a state of another version of '\(request.workflow)'", pointer: "/map"))
        }
        if let state = request.state, !former.contains(state) {
            problems.append(.init("'\(state)' is not a state of another version of '\(request.workflow)'", pointer: "/state"))
        }
        guard let target, problems.isEmpty else {
            throw CaseFailure(target == nil ? .notFound : .invalid,
                              problems.count == 1 ? problems[0].detail : "\(problems.count) problems: " + problems.map(\.detail).joined(separator: "; "),
                              refusal: target == nil ? .versionNotPublished : nil, problems: problems)
        }
        return target
    }
}

/// A case found, when its turn came, with nothing left to move.
private struct MigrationSkip: Error {
    var message: String
}
