//! Embed cycles among the vault's notes, found once for the whole vault.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{Code, Diagnostic};

/// Embed cycles: one per group of notes that embed each other (a strongly connected component),
/// reported at its first note with the shortest chain that closes the loop. Linear in the number of
/// embeds, so a vault where every note embeds every other is checked as fast as any.
pub(super) fn cycles(graph: &BTreeMap<String, Vec<(String, usize)>>) -> Vec<Diagnostic> {
    use std::collections::{BTreeSet, VecDeque};
    let names: BTreeSet<&str> =
        graph.iter().flat_map(|(k, v)| std::iter::once(k.as_str()).chain(v.iter().map(|(t, _)| t.as_str()))).collect();
    let names: Vec<&str> = names.into_iter().collect();
    let id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let n = names.len();
    let mut out_edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut in_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, tos) in graph {
        let f = id[from.as_str()];
        for (to, line) in tos {
            let t = id[to.as_str()];
            out_edges[f].push((t, *line));
            in_edges[t].push(f);
        }
    }
    // Kosaraju, both passes iterative: finishing order, then components on the reversed graph.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some((v, next)) = stack.pop() {
            if let Some(&(w, _)) = out_edges[v].get(next) {
                stack.push((v, next + 1));
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
            }
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for &root in order.iter().rev() {
        if comp[root] != usize::MAX {
            continue;
        }
        let c = components.len();
        let mut members = vec![root];
        comp[root] = c;
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            for &w in &in_edges[v] {
                if comp[w] == usize::MAX {
                    comp[w] = c;
                    members.push(w);
                    stack.push(w);
                }
            }
        }
        components.push(members);
    }
    let mut diags = Vec::new();
    for members in components {
        let Some(&start) = members.iter().min() else { continue };
        let c = comp[start];
        let self_loop = out_edges[start].iter().any(|(t, _)| *t == start);
        if members.len() < 2 && !self_loop {
            continue;
        }
        // The shortest way from `start` back to itself inside the component.
        let mut prev: Vec<Option<usize>> = vec![None; n];
        let mut queue = VecDeque::from([start]);
        let mut back = None;
        'search: while let Some(v) = queue.pop_front() {
            for &(w, _) in &out_edges[v] {
                if w == start {
                    back = Some(v);
                    break 'search;
                }
                if comp[w] == c && prev[w].is_none() && w != start {
                    prev[w] = Some(v);
                    queue.push_back(w);
                }
            }
        }
        let Some(mut v) = back else { continue };
        let mut path = vec![v];
        while let Some(p) = prev[v] {
            path.push(p);
            v = p;
        }
        if path.last() != Some(&start) {
            path.push(start);
        }
        path.reverse();
        let second = path.get(1).copied().unwrap_or(start);
        let line = out_edges[start].iter().find(|(t, _)| *t == second).map_or(1, |(_, l)| *l);
        let mut shown: Vec<&str> = path.iter().map(|i| names[*i]).collect();
        shown.push(names[start]);
        diags.push(
            Diagnostic::warning(Code::EmbedCycle, names[start], line, 1, format!("embed cycle: {}", shown.join(" → ")))
                .with_hint("an embed cycle is shown once, then cut; remove one of the embeds"),
        );
    }
    diags
}
