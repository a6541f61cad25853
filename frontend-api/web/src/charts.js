// Chart.js, registered once and loaded only by the operator console (a chunk of its own).
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export { Chart };
