/**
 * The snapshot fetch's GraphQL documents. Each asks for `rateLimit { cost remaining }` so the CLI can print the points
 * a run used. Cost is what shapes them (GitHub: a connection costs one request per parent it is nested in, ÷ 100): a
 * page of 100 use cases with four nested connections costs about 4 points, so stories come nested in their use case
 * (sub-issues, at most 100 per parent, no connection inside), and story labels or assignees are not fetched there.
 */

const ISSUE_FIELDS = `
  id number title url state createdAt updatedAt closedAt body
  author { login }
  repository { nameWithOwner }
  milestone { title dueOn }`;

const labelEvents = (after = "") => `
  timelineItems(itemTypes: [LABELED_EVENT, UNLABELED_EVENT], first: 100${after}) {
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on LabeledEvent { createdAt actor { login } label { name } }
      ... on UnlabeledEvent { createdAt actor { login } label { name } }
    }
  }`;

const SUB_ISSUES = `
  subIssues(first: 100) {
    nodes {
      ... on Issue {
        id number title state stateReason createdAt closedAt
        repository { nameWithOwner }
        milestone { title dueOn }
      }
    }
  }`;

export const USE_CASE_FIELDS = `${ISSUE_FIELDS}
  labels(first: 50) { nodes { name } }
  assignees(first: 10) { nodes { login } }${labelEvents()}${SUB_ISSUES}`;

const PAGE = `
  rateLimit { cost remaining }
  search(type: ISSUE, query: $q, first: 100, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }`;

export const USE_CASES_QUERY = `query ConvergeSnapshotUseCases($q: String!, $after: String) {${PAGE}
    nodes { ... on Issue {${USE_CASE_FIELDS}
    } }
  }
}`;

export const INITIATIVES_QUERY = `query ConvergeSnapshotInitiatives($q: String!, $after: String) {${PAGE}
    nodes { ... on Issue {${ISSUE_FIELDS}
      comments(first: 100) { pageInfo { hasNextPage } nodes { author { login } body } }
    } }
  }
}`;

export const DEFECTS_QUERY = `query ConvergeSnapshotDefects($q: String!, $after: String) {${PAGE}
    nodes { ... on Issue {${ISSUE_FIELDS}
      labels(first: 50) { nodes { name } }
      parent { number repository { nameWithOwner } }
    } }
  }
}`;

/** Ids only: which stories carry a squad's label (squads mapped by label). */
export const LABELLED_IDS_QUERY = `query ConvergeSnapshotLabelled($q: String!, $after: String) {${PAGE}
    nodes { ... on Issue { id createdAt } }
  }
}`;

/** Stories changed since the last snapshot (incremental refresh): their parents are fetched again. */
export const CHANGED_STORIES_QUERY = `query ConvergeSnapshotChangedStories($q: String!, $after: String) {${PAGE}
    nodes { ... on Issue { id createdAt parent { id } } }
  }
}`;

export const USE_CASE_NODES_QUERY = `query ConvergeSnapshotUseCaseNodes($ids: [ID!]!) {
  rateLimit { cost remaining }
  nodes(ids: $ids) { ... on Issue {${USE_CASE_FIELDS}
  } }
}`;

export const MORE_LABEL_EVENTS_QUERY = `query ConvergeSnapshotLabelEvents($id: ID!, $after: String) {
  rateLimit { cost remaining }
  node(id: $id) { ... on Issue {${labelEvents(", after: $after")}
  } }
}`;

export const BOARD_ITERATIONS_QUERY = `query ConvergeSnapshotBoardIterations($org: String!, $number: Int!, $field: String!, $after: String) {
  rateLimit { cost remaining }
  organization(login: $org) {
    projectV2(number: $number) {
      items(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          content { ... on Issue { id } }
          fieldValueByName(name: $field) {
            ... on ProjectV2ItemFieldIterationValue { iterationId title startDate duration }
          }
        }
      }
    }
  }
}`;

export const TEAM_MEMBERS_QUERY = `query ConvergeSnapshotTeamMembers($org: String!, $slug: String!, $after: String) {
  rateLimit { cost remaining }
  organization(login: $org) {
    team(slug: $slug) {
      members(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } }
    }
  }
}`;

/** Deployments and the default branch's checks of up to 100 repositories, one alias each. */
export function repoFactsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$o${i}: String!, $n${i}: String!`).join(", ");
  const repos = Array.from(
    { length: count },
    (_, i) => `
  r${i}: repository(owner: $o${i}, name: $n${i}) {
    nameWithOwner
    deployments(first: 100, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { environment createdAt latestStatus { state createdAt } }
    }
    defaultBranchRef { target { ... on Commit {
      statusCheckRollup { contexts(first: 50) { nodes {
        __typename
        ... on CheckRun { name title summary completedAt }
        ... on StatusContext { context description createdAt }
      } } }
    } } }
  }`,
  ).join("");
  return `query ConvergeSnapshotRepos(${vars}) {
  rateLimit { cost remaining }${repos}
}`;
}

export const MAX_REPOS_PER_QUERY = 100;
export const MAX_NODES_PER_QUERY = 100;
