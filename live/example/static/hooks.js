// Client hooks of the example app (docs/live.md, "Client hooks"). Bars draws a bar
// chart inside its element, which has live-update="ignore": the server never patches
// the bars, so they survive every render around them.
(window.liveappHooks ||= {}).Bars = {
  async mounted() {
    this.handleEvent('points', (points) => this.draw(points));
    this.draw(await this.pushEvent('points'));
  },
  reconnected() {
    this.pushEvent('points').then((points) => this.draw(points));
  },
  draw(points) {
    const bars = (points || []).map((n, i) => {
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.dataset.i = String(i);
      bar.style.height = `${n * 10}px`;
      bar.title = String(n);
      return bar;
    });
    this.el.replaceChildren(...bars);
    this.el.dataset.drawn = String(bars.length);
  },
};
