/** One level of the label tree: the next label's values, and the child once every label is given. */
class LabelNode<Child> {
  readonly next = new Map<string, LabelNode<Child>>();
  child: Child | undefined;
}

/**
 * The labelled children of one metric, found by walking one Map per label: the label values the
 * relay passes (surface names, catalog model names) are long-lived strings whose hashes V8 keeps,
 * so a lookup allocates nothing and hashes nothing. Past `maxSeries` distinct label sets (a flood
 * of made-up model names, say), new ones share one child whose every label reads `other`, so a
 * scrape stays bounded.
 */
export class MetricsChildCache<Child> {
  readonly #root = new LabelNode<Child>();
  #size = 0;
  #overflow: Child | undefined;

  constructor(
    private readonly create: (labels: readonly string[]) => Child,
    private readonly labelCount: number,
    private readonly maxSeries: number,
  ) {}

  get(labels: readonly string[]): Child {
    let node = this.#root;
    for (let index = 0; index < labels.length; index++) {
      const value = labels[index]!;
      let next = node.next.get(value);
      if (next === undefined) {
        if (this.#size >= this.maxSeries) return this.#other();
        next = new LabelNode<Child>();
        node.next.set(value, next);
      }
      node = next;
    }
    if (node.child !== undefined) return node.child;
    if (this.#size >= this.maxSeries) return this.#other();
    this.#size += 1;
    node.child = this.create(labels);
    return node.child;
  }

  #other(): Child {
    this.#overflow ??= this.create(Array.from({ length: this.labelCount }, () => 'other'));
    return this.#overflow;
  }
}
